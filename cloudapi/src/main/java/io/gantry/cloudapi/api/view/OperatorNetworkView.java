package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.gantry.cloudapi.service.ExternalNetworkService;

/** An external network as operators see it: the tenants' view of it and how many NICs are on it. */
public record OperatorNetworkView(@JsonUnwrapped NetworkView network, long nics) {

    public static OperatorNetworkView of(ExternalNetworkService.InUse n) {
        return new OperatorNetworkView(NetworkView.of(n.network()), n.nics());
    }
}
