package io.gantry.agent.usage;

import io.gantry.agent.ZoneCounters;
import io.gantry.agent.ZoneRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * SYNTHETIC readings for journal and shipper tests: zones whose counters grow the way a busy zone's
 * do (CPU at about half a core, some network, memory and disk drifting), one reading per zone per
 * tick, through a real {@link UsageMeter}. Nothing here runs a zone.
 */
final class SyntheticZones {
    final List<UUID> zones = new ArrayList<>();
    final UsageMeter meter = new UsageMeter("n1");
    private final Random random = new Random(42);
    private final long[] cpu;
    private final long[] rx;
    private final long[] tx;
    private long time = 1_700_000_000_000L;

    SyntheticZones(int count) {
        for (int i = 0; i < count; i++) {
            zones.add(new UUID(0x5eed, i + 1));
        }
        cpu = new long[count];
        rx = new long[count];
        tx = new long[count];
    }

    /** One tick: an entry per zone, accepted by the meter as if journaled. */
    List<UsageEntry> tick() {
        time += 1000 + random.nextInt(5);
        List<UsageEntry> out = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            cpu[i] += 400_000_000L + random.nextInt(200_000_000);
            rx[i] += random.nextInt(3000);
            tx[i] += random.nextInt(1500);
            long memory = (100L << 20) + random.nextInt(1 << 20);
            long disk = (300L << 20) + random.nextInt(1 << 16);
            ZoneCounters c = new ZoneCounters(cpu[i], memory, memory + (5 << 20), 256L << 20, 0, 12, 256, 0, 50_000,
                    rx[i], tx[i], disk, 1L << 30);
            ZoneReading r = new ZoneReading(zones.get(i), "tenant-" + (i % 3), "g4-small", time,
                    new ZoneRun("4242@" + (1000 + i), time - 60_000, c));
            meter.measure(r).ifPresent(e -> { // nothing for a zone that ended
                meter.accept(e);
                out.add(e);
            });
        }
        return out;
    }

    List<UsageEntry> ticks(int n) {
        List<UsageEntry> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.addAll(tick());
        }
        return all;
    }
}
