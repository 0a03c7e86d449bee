package io.gantry.provisioner;

import io.gantry.provisioner.metadata.MetadataWriter;
import java.util.UUID;

/**
 * Publishes a machine's metadata before a task that boots its zone reaches the node (a PROVISION, an evacuation's
 * IMPORT): the zone's {@code user-script} runs at its first boot and reads its metadata then. The write is the
 * publisher's compare-and-set, so it never replaces a newer generation; a machine the record no longer has is left to
 * its job, which fails on its own.
 */
final class MetadataFirst {
    private final LeaderParts leader;
    private final MetadataWriter writer;

    MetadataFirst(LeaderParts leader) {
        this.leader = leader;
        this.writer = new MetadataWriter(leader.zk());
    }

    void publish(UUID machine) throws Exception {
        var metadata = leader.records().zoneMetadata(machine);
        if (metadata.isPresent()) {
            writer.write(metadata.get());
        }
    }
}
