package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.NetworkRecord;
import java.util.List;

/** A network as Triton's ListNetworks shows it; {@code vlan_id} and {@code internet_nat} only for fabric networks. */
@JsonPropertyOrder({"id", "name", "public", "fabric", "subnet", "gateway", "provision_start_ip", "provision_end_ip", "vlan_id",
        "internet_nat", "resolvers", "description", "mtu"})
public record NetworkView(String id, String name, @JsonProperty("public") boolean publicNetwork, boolean fabric, String subnet,
                          String gateway, @JsonProperty("provision_start_ip") String provisionStartIp,
                          @JsonProperty("provision_end_ip") String provisionEndIp, @JsonProperty("vlan_id") Integer vlanId,
                          @JsonProperty("internet_nat") Boolean internetNat, List<String> resolvers, String description, int mtu) {

    public static NetworkView of(NetworkRecord n) {
        return new NetworkView(n.id.toString(), n.name, n.isPublic, n.fabric, n.subnet, n.gateway, n.provisionStartIp,
                n.provisionEndIp, n.fabric ? n.vlanId : null, n.fabric ? n.nat : null,
                n.resolvers == null ? List.of() : JsonText.list(n.resolvers), n.description, n.mtu);
    }
}
