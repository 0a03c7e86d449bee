package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.NicService;
import io.gantry.common.net.Ipv4Cidr;

/** A machine's NIC as Triton's ListNics shows it: netmask and gateway are its network's. */
@JsonPropertyOrder({"mac", "primary", "ip", "netmask", "gateway", "state", "network"})
public record NicView(String mac, boolean primary, String ip, String netmask, String gateway, String state, String network) {

    public static NicView of(NicService.Nic n) {
        return new NicView(n.nic().mac, n.nic().primaryNic, n.nic().ip, Ipv4Cidr.parse(n.network().subnet).netmask(), n.network().gateway,
                n.nic().state, n.network().id.toString());
    }
}
