package io.gantry.metering.budget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Decides, without I/O, what budget enforcement does to machines this tick. Level-triggered: it
 * looks only at the budgets' state now and the machines' state now, so running it again changes
 * nothing that is already as it should be, and a machine started again under an exceeded stop
 * budget is stopped again.
 *
 * <p>Machines with an open job are left alone (their job must finish first; the next tick sees
 * them). Per account, stop wins over throttle; the throttle cap is the lowest cap of the account's
 * exceeded throttle budgets.
 */
public final class Enforcement {
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";
    public static final String DELETED = "deleted";

    private Enforcement() {
    }

    /** A machine as enforcement sees it. {@code cpuThrottle} null means not throttled. */
    public record Machine(UUID id, String account, String state, Integer cpuThrottle, boolean openJob) {
    }

    /** What to do to one machine: a new throttle ({@code cpuCap} null lifts it) or a stop, and the budget why. */
    public sealed interface Action permits Throttle, Stop {
        Machine machine();
    }

    /** @param because the exceeded budget that sets the cap, or null when lifting it */
    public record Throttle(Machine machine, Integer cpuCap, BudgetState because) implements Action {
    }

    public record Stop(Machine machine, BudgetState because) implements Action {
    }

    /** The exceeded budgets per account and policy that enforcement acts on. */
    public record Verdicts(Map<String, BudgetState> throttleBy, Map<String, BudgetState> stopBy) {
        /** Accounts whose machines enforcement must look at (beyond those already throttled). */
        public Set<String> accounts() {
            var all = new java.util.LinkedHashSet<String>(throttleBy.keySet());
            all.addAll(stopBy.keySet());
            return all;
        }
    }

    public static Verdicts verdicts(List<BudgetState> states) {
        Map<String, BudgetState> throttle = new LinkedHashMap<>();
        Map<String, BudgetState> stop = new LinkedHashMap<>();
        Comparator<BudgetState> lowerCapFirst = Comparator.comparingInt((BudgetState s) -> s.budget().throttleCpuCap())
                .thenComparing(s -> s.budget().name());
        Comparator<BudgetState> byName = Comparator.comparing(s -> s.budget().name());
        for (BudgetState s : states) {
            if (!s.exceeded()) {
                continue;
            }
            String account = s.budget().account();
            switch (s.budget().policy()) {
                case THROTTLE -> throttle.merge(account, s, (a, b) -> lowerCapFirst.compare(a, b) <= 0 ? a : b);
                case STOP -> stop.merge(account, s, (a, b) -> byName.compare(a, b) <= 0 ? a : b);
                case NOTIFY -> {
                }
            }
        }
        return new Verdicts(throttle, stop);
    }

    /**
     * The actions for {@code machines} (those of the accounts in {@link Verdicts#accounts()} plus
     * every machine that is throttled now).
     */
    public static List<Action> plan(Verdicts verdicts, List<Machine> machines) {
        List<Action> actions = new ArrayList<>();
        for (Machine m : machines) {
            if (m.openJob() || DELETED.equals(m.state())) {
                continue;
            }
            BudgetState stop = verdicts.stopBy().get(m.account());
            BudgetState throttle = verdicts.throttleBy().get(m.account());
            if (stop != null) {
                if (RUNNING.equals(m.state())) {
                    actions.add(new Stop(m, stop));
                }
                continue;
            }
            if (throttle != null) {
                int cap = throttle.budget().throttleCpuCap();
                if (RUNNING.equals(m.state()) && !Objects.equals(m.cpuThrottle(), cap)) {
                    actions.add(new Throttle(m, cap, throttle));
                }
                continue;
            }
            if (m.cpuThrottle() != null && (RUNNING.equals(m.state()) || STOPPED.equals(m.state()))) {
                actions.add(new Throttle(m, null, null));
            }
        }
        return actions;
    }
}
