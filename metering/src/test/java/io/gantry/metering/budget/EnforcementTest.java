package io.gantry.metering.budget;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.metering.usage.Period;
import io.gantry.metering.usage.Sums;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnforcementTest {
    private static final Instant NOW = Instant.parse("2026-11-25T13:30:00Z");
    private static final String ALICE = UUID.randomUUID().toString();
    private static final String BOB = UUID.randomUUID().toString();

    private static BudgetState state(String account, String name, Policy policy, int cap, boolean exceeded) {
        Budget b = new Budget(UUID.randomUUID(), account, name, Metric.CPU_HOURS, 1.0, Period.MONTH, policy, cap);
        return BudgetState.of(b, new Sums(0, exceeded ? 7.2e12 : 1.8e12, 0, 0, 0, 0, 0, 0, 0), NOW, null);
    }

    private static Enforcement.Machine machine(String account, String state, Integer throttle, boolean openJob) {
        return new Enforcement.Machine(UUID.randomUUID(), account, state, throttle, openJob);
    }

    @Test
    void anExceededThrottleBudgetCapsRunningMachinesOnly() {
        var verdicts = Enforcement.verdicts(List.of(state(ALICE, "cpu", Policy.THROTTLE, 20, true)));
        var running = machine(ALICE, "running", null, false);
        var higher = machine(ALICE, "running", 50, false);
        var already = machine(ALICE, "running", 20, false);
        var stopped = machine(ALICE, "stopped", null, false);
        var busy = machine(ALICE, "running", null, true);
        var someoneElses = machine(BOB, "running", null, false);

        var actions = Enforcement.plan(verdicts, List.of(running, higher, already, stopped, busy, someoneElses));

        assertThat(actions).hasSize(2).allSatisfy(a -> {
            assertThat(a).isInstanceOf(Enforcement.Throttle.class);
            assertThat(((Enforcement.Throttle) a).cpuCap()).isEqualTo(20);
            assertThat(((Enforcement.Throttle) a).because().budget().name()).isEqualTo("cpu");
        });
        assertThat(actions).extracting(Enforcement.Action::machine).containsExactly(running, higher);
    }

    @Test
    void theLowestCapOfTheAccountsExceededThrottleBudgetsApplies() {
        var verdicts = Enforcement.verdicts(List.of(
                state(ALICE, "a", Policy.THROTTLE, 30, true),
                state(ALICE, "b", Policy.THROTTLE, 5, true),
                state(ALICE, "c", Policy.THROTTLE, 1, false)));

        var actions = Enforcement.plan(verdicts, List.of(machine(ALICE, "running", null, false)));

        assertThat(actions).singleElement().satisfies(a -> {
            assertThat(((Enforcement.Throttle) a).cpuCap()).isEqualTo(5);
            assertThat(((Enforcement.Throttle) a).because().budget().name()).isEqualTo("b");
        });
    }

    @Test
    void anExceededStopBudgetStopsRunningMachinesAndWinsOverThrottle() {
        var verdicts = Enforcement.verdicts(List.of(
                state(BOB, "cpu", Policy.THROTTLE, 10, true),
                state(BOB, "hard", Policy.STOP, 10, true)));
        var running = machine(BOB, "running", null, false);
        var stopping = machine(BOB, "stopping", null, false);
        var stopped = machine(BOB, "stopped", 10, false);

        var actions = Enforcement.plan(verdicts, List.of(running, stopping, stopped));

        assertThat(actions).singleElement().isInstanceOf(Enforcement.Stop.class);
        assertThat(actions.get(0).machine()).isEqualTo(running);
    }

    @Test
    void withNoThrottleBudgetExceededThrottledMachinesAreReleased() {
        var verdicts = Enforcement.verdicts(List.of(state(ALICE, "cpu", Policy.THROTTLE, 20, false)));
        var throttled = machine(ALICE, "running", 20, false);
        var throttledStopped = machine(ALICE, "stopped", 20, false);
        var throttledBusy = machine(ALICE, "running", 20, true);
        var throttledFailed = machine(ALICE, "failed", 20, false);
        var free = machine(ALICE, "running", null, false);

        var actions = Enforcement.plan(verdicts, List.of(throttled, throttledStopped, throttledBusy, throttledFailed, free));

        assertThat(actions).extracting(Enforcement.Action::machine).containsExactly(throttled, throttledStopped);
        assertThat(actions).allSatisfy(a -> assertThat(((Enforcement.Throttle) a).cpuCap()).isNull());
    }

    @Test
    void notifyBudgetsAndBudgetsWithinTheirLimitTouchNoMachine() {
        var verdicts = Enforcement.verdicts(List.of(
                state(ALICE, "tell", Policy.NOTIFY, 10, true),
                state(ALICE, "cpu", Policy.THROTTLE, 10, false),
                state(ALICE, "hard", Policy.STOP, 10, false)));

        assertThat(verdicts.accounts()).isEmpty();
        assertThat(Enforcement.plan(verdicts, List.of(machine(ALICE, "running", null, false), machine(ALICE, "deleted", 10, false))))
                .isEmpty();
    }
}
