package io.gantry.provisioner;

import io.gantry.provisioner.metadata.MetadataWriter;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a machine's metadata before a task that boots its zone reaches the node (a PROVISION, an evacuation's
 * IMPORT): the zone's {@code user-script} runs at its first boot and reads its metadata then. The write is the
 * publisher's compare-and-set, so it never replaces a newer generation; a machine the record no longer has is left to
 * its job, which fails on its own.
 */
final class MetadataFirst {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataFirst.class);
    private final LeaderParts leader;
    private final MetadataWriter writer;

    MetadataFirst(LeaderParts leader) {
        this.leader = leader;
        this.writer = new MetadataWriter(leader.zk());
    }

    void publish(UUID machine) throws Exception {
        try {
            var metadata = leader.records().zoneMetadata(machine);
            if (metadata.isPresent()) {
                writer.write(metadata.get());
            }
        } catch (IllegalStateException unpublishable) {
            // corrupt or oversized: the zone boots without it rather than never; the publisher logs it at every change
            LOG.error("machine {} is dispatched without its metadata: {}", machine, unpublishable.getMessage());
        }
    }
}
