package io.gantry.cluster.nemesis;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Applies random faults while the workload runs: after a random gap (between {@code minGap} and {@code maxGap}) it
 * heals the fault in effect and injects another, chosen from the list, until the run's time is up; then it heals
 * every fault. The choice and the gaps come from the seed, so a failed run can be replayed with the same schedule.
 * Every injection and heal is an invoke and a completion of {@link Op#NEMESIS} in the history: OK when it worked,
 * INFO (with the error) when it threw.
 */
public final class Nemesis {
    private final History history;
    private final List<Fault> faults;
    private final Random random;
    private final Duration minGap;
    private final Duration maxGap;
    private Fault active;
    private int injected;

    public Nemesis(History history, List<Fault> faults, long seed, Duration minGap, Duration maxGap) {
        if (faults.isEmpty()) {
            throw new IllegalArgumentException("a nemesis needs at least one fault");
        }
        if (maxGap.compareTo(minGap) < 0) {
            throw new IllegalArgumentException("maxGap " + maxGap + " is below minGap " + minGap);
        }
        this.history = history;
        this.faults = List.copyOf(faults);
        this.random = new Random(seed);
        this.minGap = minGap;
        this.maxGap = maxGap;
    }

    /** The Jepsen schedule the issue asks for: a new fault every 10 to 30 s. */
    public static Nemesis every10To30Seconds(History history, List<Fault> faults, long seed) {
        return new Nemesis(history, faults, seed, Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** Breaks and heals until {@code duration} has passed, then heals everything. Blocks the calling thread. */
    public void runFor(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        try {
            while (true) {
                long gap = minGap.toMillis() + (long) (random.nextDouble() * (maxGap.toMillis() - minGap.toMillis()));
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= gap) {
                    Thread.sleep(Math.max(0, left));
                    break;
                }
                Thread.sleep(gap);
                healActive();
                active = faults.get(random.nextInt(faults.size()));
                apply(Op.Action.FAULT, active);
                injected++;
            }
        } finally {
            healAll();
        }
    }

    /** Heals the fault in effect, then every fault of the list, in effect or not (each heal makes sure). */
    public void healAll() {
        healActive();
        faults.forEach(f -> apply(Op.Action.HEAL, f));
    }

    /** How many faults were injected. */
    public int injected() {
        return injected;
    }

    private void healActive() {
        if (active != null) {
            apply(Op.Action.HEAL, active);
            active = null;
        }
    }

    private void apply(Op.Action action, Fault fault) {
        Op invoked = history.invoke(Op.NEMESIS, action, null, fault.name());
        try {
            if (action == Op.Action.FAULT) {
                fault.inject();
            } else {
                fault.heal();
            }
            history.complete(invoked, Op.Type.OK, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            history.complete(invoked, Op.Type.INFO, "interrupted");
        } catch (Exception e) {
            history.complete(invoked, Op.Type.INFO, e.toString());
        }
    }
}
