package io.gantry.cluster.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NemesisTest {

    /** A fault that only says when it was injected and healed, and whether it is in effect. */
    static final class Recorded implements Fault {
        private final String name;
        private final boolean failsToInject;
        boolean inEffect;
        final List<String> calls = new ArrayList<>();

        Recorded(String name, boolean failsToInject) {
            this.name = name;
            this.failsToInject = failsToInject;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void inject() {
            calls.add("inject");
            if (failsToInject) {
                throw new IllegalStateException(name + " could not be injected");
            }
            inEffect = true;
        }

        @Override
        public void heal() {
            calls.add("heal");
            inEffect = false;
        }
    }

    @Test
    void injectsOneFaultAtATimeLogsEachAndHealsEverythingAtTheEnd() throws Exception {
        List<Recorded> faults = List.of(new Recorded("a", false), new Recorded("b", false), new Recorded("broken", true));
        History history = History.inMemory();
        Nemesis nemesis = new Nemesis(history, List.copyOf(faults), 7, Duration.ofMillis(20), Duration.ofMillis(40));
        nemesis.runFor(Duration.ofMillis(800));

        assertThat(nemesis.injected()).as("about 26 expected; fewer on a loaded machine").isGreaterThanOrEqualTo(5);
        assertThat(faults).allSatisfy(f -> assertThat(f.inEffect).as(f.name() + " healed").isFalse());
        List<Op> ops = history.ops();
        assertThat(ops).allSatisfy(op -> assertThat(op.process()).isEqualTo(Op.NEMESIS));
        assertThat(ops.stream().filter(op -> op.action() == Op.Action.FAULT && op.type() == Op.Type.INVOKE)).hasSize(nemesis.injected());
        assertThat(ops.stream().filter(op -> op.type() == Op.Type.INFO))
                .as("only the broken fault's injections are unknown").allSatisfy(op -> assertThat(op.argument()).isEqualTo("broken"));
        // one at a time: between two injections, the first was healed
        String active = null;
        for (Op op : ops) {
            if (op.type() != Op.Type.INVOKE) {
                continue;
            }
            if (op.action() == Op.Action.FAULT) {
                assertThat(active).as("a fault injected while %s was in effect", active).isNull();
                active = op.argument();
            } else if (op.argument().equals(active)) {
                active = null;
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameSchedule() throws Exception {
        assertThat(schedule(42)).hasSize(8).isEqualTo(schedule(42)).isNotEqualTo(schedule(43));
    }

    private static List<String> schedule(long seed) throws InterruptedException {
        History history = History.inMemory();
        List<Fault> faults = List.of(new Recorded("a", false), new Recorded("b", false), new Recorded("c", false));
        // gaps of 10 ms for 2 s: the first eight faults come in time even when a loaded machine oversleeps each gap
        new Nemesis(history, faults, seed, Duration.ofMillis(10), Duration.ofMillis(10)).runFor(Duration.ofSeconds(2));
        return history.ops().stream().filter(op -> op.action() == Op.Action.FAULT && op.type() == Op.Type.INVOKE)
                .map(Op::argument).limit(8).toList();
    }
}
