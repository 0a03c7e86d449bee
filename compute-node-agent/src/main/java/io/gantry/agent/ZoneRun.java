package io.gantry.agent;

/**
 * One run of a zone (from the start of its init until the zone stops) and its counters now.
 *
 * <p>{@code incarnation} names the run: it changes whenever the zone starts again, and with it every
 * kernel counter starts again from zero (a new cgroup, a new veth). For runc it is the init's host
 * PID and its start time in clock ticks since boot, so a recycled PID is still a new incarnation.
 * {@code startedAtMillis} is when the run began (epoch millis), or -1 if unknown.
 */
public record ZoneRun(String incarnation, long startedAtMillis, ZoneCounters counters) {
    public ZoneRun {
        if (incarnation == null || incarnation.isEmpty()) {
            throw new IllegalArgumentException("a zone run needs an incarnation");
        }
        if (counters == null) {
            throw new IllegalArgumentException("a zone run needs its counters");
        }
    }
}
