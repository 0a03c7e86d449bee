package io.gantry.agent.usage;

import io.gantry.agent.ZoneRun;
import java.util.UUID;

/**
 * What the sampler saw of one zone at {@code timeMillis}: its run (incarnation, start and kernel
 * counters), or {@code run == null} while the zone does not run.
 */
public record ZoneReading(UUID zone, String tenant, String packageName, long timeMillis, ZoneRun run) {
    public ZoneReading {
        if (zone == null || tenant == null || packageName == null) {
            throw new IllegalArgumentException("a reading names its zone, tenant and package");
        }
    }

    public boolean running() {
        return run != null;
    }
}
