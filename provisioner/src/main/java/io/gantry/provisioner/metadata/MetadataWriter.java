package io.gantry.provisioner.metadata;

import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.provisioner.publish.GenerationCas;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;

/**
 * Writes a machine's {@link ZoneMetadata} (JSON) to {@link ZkPaths#metadata(UUID)} only over an older generation
 * ({@link GenerationCas}), and removes it once the machine is deleted.
 */
public final class MetadataWriter {
    /** Under ZooKeeper's default {@code jute.maxbuffer} (1 MiB), with room for the request around it. */
    static final int MAX_BYTES = 1_000_000;

    private final GenerationCas cas;

    public MetadataWriter(CuratorFramework zk) {
        this.cas = new GenerationCas(zk, MetadataWriter::generationOf);
    }

    /**
     * Writes {@code metadata} unless ZooKeeper has a newer generation. Metadata too large for a znode (only escaping
     * of unusual characters can take {@link io.gantry.common.coord.MetadataLimits}' 512 KiB that far) is refused with
     * an {@link IllegalStateException}: ZooKeeper would drop the connection rather than answer.
     */
    public GenerationCas.Outcome write(ZoneMetadata metadata) throws Exception {
        byte[] data = Json.write(metadata).getBytes(StandardCharsets.UTF_8);
        if (data.length > MAX_BYTES) {
            throw new IllegalStateException("the metadata of machine " + metadata.machine() + " is " + data.length
                    + " bytes as JSON, more than a znode takes (" + MAX_BYTES + ")");
        }
        return cas.write(ZkPaths.metadata(metadata.machine()), metadata.generation(), data);
    }

    /** The generation now in ZooKeeper, if there is one. */
    public OptionalLong published(UUID machine) throws Exception {
        return cas.published(ZkPaths.metadata(machine));
    }

    /** Removes the machine's metadata and any puts of its zone still waiting; false if there was no metadata. */
    public boolean remove(UUID machine) throws Exception {
        cas.remove(ZkPaths.metadataPuts(machine));
        return cas.remove(ZkPaths.metadata(machine));
    }

    private static OptionalLong generationOf(byte[] data) {
        try {
            long generation = Json.mapper().readTree(new String(data, StandardCharsets.UTF_8)).path("generation").asLong(-1);
            return generation < 0 ? OptionalLong.empty() : OptionalLong.of(generation);
        } catch (java.io.IOException e) {
            return OptionalLong.empty();
        }
    }
}
