package io.gantry.agent.move;

import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.ExportedDisk;
import io.gantry.common.coord.ZoneMove;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Moves runc zones: the source unmounts the stopped zone's disk file and offers it on its {@link DiskServer}; the
 * target fetches it with a {@link DiskFetcher} into {@code <stateDir>/incoming} (the state directory's filesystem,
 * so the checked file then moves into the zone without a second copy) and builds the zone from it.
 */
public final class RuncZoneMover implements ZoneMover {
    private final RuncZoneBackend backend;
    private final DiskServer server;
    private final DiskFetcher fetcher = new DiskFetcher();
    private final Path incoming;

    public RuncZoneMover(RuncZoneBackend backend, DiskServer server) {
        this.backend = backend;
        this.server = server;
        this.incoming = backend.config().stateDir().resolve("incoming");
    }

    @Override
    public ExportedDisk export(UUID zone, String token) {
        Path disk = backend.exportDisk(zone);
        String sha256 = DiskFetcher.sha256Of(disk);
        long bytes;
        try {
            bytes = Files.size(disk);
        } catch (IOException e) {
            throw GantryException.internal("cannot read the size of " + disk + ": " + e.getMessage());
        }
        return new ExportedDisk(server.offer(zone, disk, token), sha256, bytes);
    }

    @Override
    public Zone receive(ZoneSpec spec, ZoneMove move) {
        if (move == null || move.url() == null || move.token() == null || move.sha256() == null || move.bytes() == null) {
            throw GantryException.invalid("an import task needs the disk's url, token, sha256 and size");
        }
        var existing = backend.find(spec.uuid());
        if (existing.isPresent() && existing.get().state() == io.gantry.common.ZoneState.STOPPED && existing.get().spec().equals(spec)
                && !Files.exists(backend.layout(spec.uuid()).guard())) {
            return existing.get(); // done before (e.g. the agent stopped before it recorded the task)
        }
        Path staged = incoming.resolve(spec.uuid() + ".img");
        try {
            Files.createDirectories(incoming);
            fetcher.fetch(move.url(), move.token(), move.sha256(), move.bytes(), staged);
            return backend.adopt(spec, staged);
        } catch (IOException e) {
            throw GantryException.internal("cannot stage the disk in " + incoming + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // the next import of this zone replaces it
            }
        }
    }

    @Override
    public void release(UUID zone) {
        server.withdraw(zone);
    }
}
