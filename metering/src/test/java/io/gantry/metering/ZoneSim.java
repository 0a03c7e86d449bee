package io.gantry.metering;

import io.gantry.common.usage.UsageRecord;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;

/**
 * One zone as an agent meters it: counters that only grow, carried across the zone's restarts (a
 * stopped zone adds no running time, CPU or integrals), one record per call with seq + 1.
 */
final class ZoneSim {
    final UUID zone;
    final String tenant;
    final String pkg;
    private final Random random;
    private long seq;
    long running;
    long cpu;
    long memory;
    long peak;
    long memoryByteSeconds;
    long disk;
    long diskByteSeconds;
    long rx;
    long tx;
    long oom;
    long forks;

    ZoneSim(UUID zone, String tenant, String pkg, long seed) {
        this.zone = zone;
        this.tenant = tenant;
        this.pkg = pkg;
        this.random = new Random(seed);
    }

    /** The next record, {@code seconds} after the previous one, the zone running or not in between. */
    UsageRecord next(Instant time, int seconds, boolean running) {
        if (running) {
            this.running += seconds * 1000L;
            cpu += seconds * (50_000_000L + random.nextInt(900_000_000));
            memory = 64L * 1024 * 1024 + random.nextInt(64 * 1024 * 1024);
            peak = Math.max(peak, memory + random.nextInt(1024 * 1024));
            memoryByteSeconds += memory * seconds;
            disk = 100L * 1024 * 1024 + random.nextInt(1024 * 1024);
            diskByteSeconds += disk * seconds;
            rx += random.nextInt(2_000_000);
            tx += random.nextInt(1_000_000);
            if (random.nextInt(50) == 0) {
                oom++;
            }
            if (random.nextInt(40) == 0) {
                forks++;
            }
        } else {
            memory = 0;
        }
        seq++;
        return new UsageRecord(zone, seq, tenant, "node-1", pkg, time.toEpochMilli(), this.running, cpu, memory, peak,
                memoryByteSeconds, disk, diskByteSeconds, rx, tx, oom, forks, false);
    }

    /** A zone restart: the kernel's counters start again, the agent adds them on top; the peak is new. */
    void restart() {
        peak = 0;
    }
}
