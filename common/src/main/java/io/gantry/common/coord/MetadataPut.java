package io.gantry.common.coord;

import java.time.Instant;
import java.util.UUID;

/**
 * A change to a machine's {@code customer_metadata} made inside its zone: {@code mdata-put KEY VALUE}
 * ({@code value} set) or {@code mdata-delete KEY} ({@code value} null). The agent writes it as a persistent
 * sequential znode under {@link ZkPaths#metadataPuts(UUID)} before it answers the zone; the provisioner leader
 * applies the puts of a machine in sequence order to PostgreSQL, each in its own committed transaction, then
 * removes the znode (a put applied twice has the same effect as once). {@code sdc:} keys are never put.
 */
public record MetadataPut(UUID machine, String key, String value, String node, Instant at) {
}
