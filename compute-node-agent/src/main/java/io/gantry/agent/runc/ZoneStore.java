package io.gantry.agent.runc;

import io.gantry.agent.host.DurableFiles;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.Zone;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's durable record of its zones (one zone.json per zone dir). Every write goes through {@link DurableFiles}, so a crash leaves the old record or the
 * new one, never half of one.
 */
final class ZoneStore {
    private final Path zonesDir;
    private static final Logger LOG = LoggerFactory.getLogger(ZoneStore.class);
    private final String node;

    ZoneStore(Path stateDir, String node) {
        this.zonesDir = stateDir.resolve("zones");
        this.node = node;
    }

    ZoneLayout layout(UUID uuid) {
        return ZoneLayout.of(zonesDir, uuid, node);
    }

    Optional<Zone> find(UUID uuid) {
        Path record = layout(uuid).record();
        if (!Files.isRegularFile(record)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readString(record), Zone.class));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty(); // deleted between the check and the read
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Saves a state a crash may lose (the record keeps the one before): for one that {@link RuncZoneBackend#recover()}
     * treats as the one before anyway, such as STOPPING, which a restarted agent handles as RUNNING. Readers see it.
     */
    void saveTransient(Zone zone) {
        DurableFiles.replace(layout(zone.uuid()).record(), Json.writePretty(zone));
    }

    void save(Zone zone) {
        DurableFiles.write(layout(zone.uuid()).record(), Json.writePretty(zone));
    }

    /** Every zone whose record can be read; one that cannot (see {@link RuncZoneBackend#recover()}) is logged and left out. */
    List<Zone> all() {
        List<Zone> zones = new ArrayList<>();
        for (UUID uuid : zoneDirs()) {
            try {
                find(uuid).ifPresent(zones::add);
            } catch (GantryException unreadable) {
                LOG.warn("zone {}: its record cannot be read ({}); left out", uuid, unreadable.getMessage());
            }
        }
        return zones;
    }

    /** Every zone directory, recorded or not (a crash can leave a directory before its record). */
    List<UUID> zoneDirs() {
        if (!Files.isDirectory(zonesDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(zonesDir)) {
            List<UUID> ids = new ArrayList<>();
            dirs.forEach(d -> {
                try {
                    ids.add(UUID.fromString(d.getFileName().toString()));
                } catch (IllegalArgumentException notAZone) {
                    // a stray file: not ours to judge
                }
            });
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
