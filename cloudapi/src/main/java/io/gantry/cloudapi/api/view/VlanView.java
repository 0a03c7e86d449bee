package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.FabricVlanRecord;

/** A fabric VLAN as Triton's ListFabricVLANs shows it. */
@JsonPropertyOrder({"vlan_id", "name", "description"})
public record VlanView(@JsonProperty("vlan_id") int vlanId, String name, String description) {

    public static VlanView of(FabricVlanRecord v) {
        return new VlanView(v.vlanId, v.name, v.description);
    }
}
