package io.gantry.common.coord;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A machine's metadata as its zone reads it through {@code mdata-get}: the tenant's {@code customer_metadata}
 * (including {@code user-script} and {@code user-data}) and what the {@code sdc:} keys are made of that the control
 * plane knows ({@code sdc:alias}/{@code sdc:hostname} = {@code alias}, {@code sdc:owner_uuid}, {@code sdc:tags},
 * {@code sdc:resolvers}, {@code sdc:routes}). The node adds what it knows itself ({@code sdc:uuid},
 * {@code sdc:server_uuid}, {@code sdc:nics} from the zone's spec).
 *
 * <p>Written by the provisioner leader to {@link ZkPaths#metadata(UUID)} after every committed change, with a
 * {@code generation} that only grows per machine; a node ignores a view whose generation is below the one it has.
 */
public record ZoneMetadata(UUID machine, long generation, String alias, UUID ownerUuid, String owner,
                           Map<String, String> customerMetadata, Map<String, Object> tags, List<String> resolvers,
                           List<Map<String, Object>> routes) {

    @JsonCreator
    public ZoneMetadata {
        customerMetadata = customerMetadata == null ? Map.of() : Map.copyOf(customerMetadata);
        tags = tags == null ? Map.of() : Map.copyOf(tags);
        resolvers = resolvers == null ? List.of() : List.copyOf(resolvers);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }
}
