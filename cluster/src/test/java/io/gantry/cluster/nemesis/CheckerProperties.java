package io.gantry.cluster.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cluster.nemesis.Op.Type;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The checker over generated runs: a run whose end state follows from what each operation did (an INFO one either
 * way) has no violation, and breaking any acknowledged machine's end state, or leaving a stray zone, is always found.
 */
class CheckerProperties {

    /** What happened to one machine: its create, a resize, a delete, and for each lost answer whether it took effect. */
    record Life(Type create, boolean createTookEffect, boolean resized, Type delete, boolean deleteTookEffect, int node) {
        boolean exists() {
            return create == Type.OK || create == Type.INFO && createTookEffect;
        }

        boolean deleted() {
            return exists() && (delete == Type.OK || delete == Type.INFO && deleteTookEffect);
        }
    }

    @Property(tries = 300)
    void aRunWhoseEndFollowsFromItsHistoryIsValid(@ForAll @Size(min = 1, max = 12) List<@From("lives") Life> lives) {
        SyntheticRun run = play(lives);
        assertThat(run.check()).as("violations").isEmpty();
    }

    @Property(tries = 300)
    void losingAnAcknowledgedMachineIsAlwaysFound(@ForAll @Size(min = 1, max = 12) List<@From("lives") Life> lives) {
        SyntheticRun run = play(lives);
        var lost = run.history.ops().stream().filter(op -> op.action() == Op.Action.CREATE && op.ok()).findFirst();
        lost.ifPresent(op -> {
            run.records.removeIf(r -> r.id().equals(op.machine()));
            run.zones.values().forEach(ids -> ids.remove(op.machine()));
            assertThat(run.check()).extracting(Violation::rule).contains(Violation.Rule.ACKNOWLEDGED_CREATE);
        });
    }

    @Property(tries = 300)
    void aZoneNobodyRecordsIsAlwaysFound(@ForAll @Size(min = 1, max = 12) List<@From("lives") Life> lives) {
        SyntheticRun run = play(lives);
        run.zone("cn9", UUID.randomUUID());
        assertThat(run.check()).extracting(Violation::rule).containsExactly(Violation.Rule.ORPHAN_ZONE);
    }

    @Property(tries = 300)
    void revivingAnAcknowledgedDeleteIsAlwaysFound(@ForAll @Size(min = 1, max = 12) List<@From("lives") Life> lives) {
        SyntheticRun run = play(lives);
        var deleted = run.history.ops().stream().filter(op -> op.action() == Op.Action.DELETE && op.ok()).findFirst();
        deleted.ifPresent(op -> {
            run.records.replaceAll(r -> r.id().equals(op.machine()) ? new FinalState.RecordedMachine(r.id(), "running", r.node(), r.pkg()) : r);
            run.zone(run.records.stream().filter(r -> r.id().equals(op.machine())).findFirst().orElseThrow().node(), op.machine());
            assertThat(run.check()).extracting(Violation::rule).contains(Violation.Rule.DELETE_CAME_BACK);
        });
    }

    @Provide
    Arbitrary<Life> lives() {
        Arbitrary<Type> completion = Arbitraries.of(Type.OK, Type.FAIL, Type.INFO);
        Arbitrary<Boolean> coin = Arbitraries.of(true, false);
        return Combinators.combine(completion, coin, coin, Arbitraries.of(Type.OK, Type.INFO, Type.INVOKE), coin,
                Arbitraries.integers().between(1, 3)).as(Life::new);
    }

    /** The history of every life (INVOKE as the delete means none was asked), and the end state it leads to. */
    private static SyntheticRun play(List<Life> lives) {
        SyntheticRun run = new SyntheticRun();
        for (int i = 0; i < lives.size(); i++) {
            Life life = lives.get(i);
            UUID id = UUID.randomUUID();
            String client = "c" + i % 3;
            run.create(client, id, "small", life.create());
            String pkg = "small";
            if (life.exists() && life.resized()) {
                run.resize(client, id, "large", Type.OK);
                pkg = "large";
            }
            if (life.exists() && life.delete() != Type.INVOKE) {
                run.delete(client, id, life.delete());
            }
            if (life.exists()) {
                run.recorded(id, life.deleted() ? "deleted" : "running", "cn" + life.node(), pkg);
                run.get(client, id, life.deleted() ? "deleted" : "running");
            }
        }
        return run;
    }
}
