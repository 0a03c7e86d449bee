package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.NetworkRecord;
import java.util.List;

/** A network; it names no resolvers, which clients still expect as an empty list. */
@JsonPropertyOrder({"id", "name", "public", "fabric", "subnet", "gateway", "provision_start_ip", "provision_end_ip", "resolvers",
        "description"})
public record NetworkView(String id, String name, @JsonProperty("public") boolean publicNetwork, boolean fabric, String subnet,
                          String gateway, @JsonProperty("provision_start_ip") String provisionStartIp,
                          @JsonProperty("provision_end_ip") String provisionEndIp, List<String> resolvers, String description) {

    public static NetworkView of(NetworkRecord n) {
        return new NetworkView(n.id.toString(), n.name, n.isPublic, n.fabric, n.subnet, n.gateway, n.provisionStartIp,
                n.provisionEndIp, List.of(), n.description);
    }
}
