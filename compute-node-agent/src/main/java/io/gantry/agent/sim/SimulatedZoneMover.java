package io.gantry.agent.sim;

import io.gantry.agent.move.ZoneMover;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ExportedDisk;
import io.gantry.common.coord.ZoneMove;
import java.util.UUID;

/**
 * SIMULATED moves between simulated nodes: no disk travels. The export checks the zone is stopped and offers an
 * empty disk; the import builds the zone stopped with its address ({@link SimulatedZoneBackend#adopt}). For tests
 * of the provisioner's side of an evacuation.
 */
public final class SimulatedZoneMover implements ZoneMover {
    /** The sha256 of nothing: the simulated disk. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final SimulatedZoneBackend backend;
    private final String node;

    public SimulatedZoneMover(SimulatedZoneBackend backend, String node) {
        this.backend = backend;
        this.node = node;
    }

    @Override
    public ExportedDisk export(UUID zone, String token) {
        Zone z = backend.get(zone);
        if (z.state() != ZoneState.STOPPED) {
            throw GantryException.invalidState("zone " + zone + " is " + z.state() + "; only a stopped zone's disk can leave its node");
        }
        return new ExportedDisk("sim://" + node + "/disks/" + zone, EMPTY_SHA256, 0);
    }

    @Override
    public Zone receive(ZoneSpec spec, ZoneMove move) {
        if (move == null || !EMPTY_SHA256.equals(move.sha256())) {
            throw GantryException.invalidState("the disk's sha256 is not the one announced: refused");
        }
        return backend.adopt(spec);
    }

    @Override
    public void release(UUID zone) {
        // nothing was offered
    }
}
