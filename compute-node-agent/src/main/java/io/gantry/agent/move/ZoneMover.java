package io.gantry.agent.move;

import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.ExportedDisk;
import io.gantry.common.coord.ZoneMove;
import java.util.UUID;

/**
 * A node's part in an evacuation: as the source, it offers a stopped zone's disk under the move's token and
 * withdraws the offer; as the target, it fetches the disk, checks it, and builds the zone with the address it keeps.
 */
public interface ZoneMover {
    /** A node that cannot take part (its backend cannot move zones): every move is refused with one line. */
    ZoneMover NONE = new ZoneMover() {
        @Override
        public ExportedDisk export(UUID zone, String token) {
            throw refused();
        }

        @Override
        public Zone receive(ZoneSpec spec, ZoneMove move) {
            throw refused();
        }

        @Override
        public void release(UUID zone) {
            // nothing was offered
        }

        private GantryException refused() {
            return GantryException.invalidState("this node's zones cannot be moved (its agent runs no disk transfer)");
        }
    };

    /** Offers the stopped zone's disk to whoever presents {@code token}; answers where, its sha256 and size. */
    ExportedDisk export(UUID zone, String token);

    /** Fetches the zone's disk as {@code move} says, checks it and builds the zone, stopped, keeping {@code move.ip()}. */
    Zone receive(ZoneSpec spec, ZoneMove move);

    /** Withdraws the zone's offer, if any (the move is given up, or done). */
    void release(UUID zone);
}
