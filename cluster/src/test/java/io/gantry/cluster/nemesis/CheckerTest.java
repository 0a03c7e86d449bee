package io.gantry.cluster.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cluster.nemesis.FinalState.MeteredUsage;
import io.gantry.cluster.nemesis.Op.Type;
import io.gantry.cluster.nemesis.Violation.Rule;
import io.gantry.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckerTest {
    private final SyntheticRun run = new SyntheticRun();
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    @Test
    void acknowledgedCreatesThatRunOrAreDeletedPass() {
        run.create("c0", a, "small", Type.INFO);
        run.create("c0", a, "small", Type.OK); // the retry with the same UUID
        run.create("c1", b, "small", Type.OK);
        run.resize("c0", a, "large", Type.OK);
        run.delete("c1", b, Type.OK);
        run.get("c1", b, "deleted");
        run.recorded(a, "running", "cn1", "large").recorded(b, "deleted", "cn2", "small");
        assertThat(run.check()).isEmpty();
    }

    @Test
    void aCreateWhoseAnswerWasLostMayBeAbsentOrRunning() {
        run.create("c0", a, "small", Type.INFO);
        run.create("c1", b, "small", Type.INFO);
        run.recorded(b, "running", "cn1", "small");
        assertThat(run.check()).isEmpty();
    }

    @Test
    void anAcknowledgedCreateWithNoMachineIsLost() {
        run.create("c0", a, "small", Type.OK);
        assertThat(rules(run.check())).containsExactly(Rule.ACKNOWLEDGED_CREATE);
        assertThat(run.check().get(0).evidence()).extracting(Op::action).containsOnly(Op.Action.CREATE);
    }

    @Test
    void anAcknowledgedCreateAnsweredTwiceIsDoubled() {
        run.create("c0", a, "small", Type.OK);
        run.recorded(a, "running", "cn1", "small").recorded(a, "running", "cn1", "small");
        assertThat(rules(run.check())).contains(Rule.ACKNOWLEDGED_CREATE);
    }

    @Test
    void anAcknowledgedCreateLeftProvisioningFails() {
        run.create("c0", a, "small", Type.OK);
        run.recorded(a, "provisioning", null, "small");
        assertThat(rules(run.check())).containsExactly(Rule.ACKNOWLEDGED_CREATE);
    }

    @Test
    void aRefusedCreateThatLeftAMachineFails() {
        run.create("c0", a, "small", Type.FAIL);
        run.recorded(a, "running", "cn1", "small");
        assertThat(rules(run.check())).containsExactly(Rule.UNASKED_MACHINE);
    }

    @Test
    void aMachineNobodyAskedForFails() {
        run.recorded(a, "running", "cn1", "small");
        assertThat(rules(run.check())).containsExactly(Rule.UNASKED_MACHINE);
    }

    @Test
    void aMachineSeenDeletedMustNotBeSeenAliveByALaterRead() {
        run.create("c0", a, "small", Type.OK);
        run.delete("c0", a, Type.OK);
        run.get("c0", a, "deleted");
        run.get("c1", a, "running");
        run.recorded(a, "deleted", "cn1", "small");
        List<Violation> found = run.check();
        assertThat(rules(found)).containsExactly(Rule.DELETE_CAME_BACK);
        assertThat(found.get(0).describe()).contains("DELETE ").contains("GET ").contains("running");
    }

    @Test
    void aReadJustAfterTheDeleteWasAcknowledgedMayStillSeeTheMachineAlive() {
        // the delete is asynchronous: 204 accepts it, the machine shows deleted once its node removed the zone
        run.create("c0", a, "small", Type.OK);
        run.delete("c0", a, Type.OK);
        run.get("c0", a, "running");
        run.get("c0", a, "deleted");
        run.recorded(a, "deleted", "cn1", "small");
        assertThat(run.check()).isEmpty();
    }

    @Test
    void aReadConcurrentWithTheDeleteMaySeeTheMachineAlive() {
        run.create("c0", a, "small", Type.OK);
        Op read = run.history.invoke("c1", Op.Action.GET, a, null);
        run.delete("c0", a, Type.OK);
        run.history.complete(read, Type.OK, SeenStates.write(Map.of(a, "running")));
        run.recorded(a, "deleted", "cn1", "small");
        assertThat(run.check()).isEmpty();
    }

    @Test
    void anAcknowledgedDeleteThatEndsRunningCameBack() {
        run.create("c0", a, "small", Type.OK);
        run.delete("c0", a, Type.OK);
        run.recorded(a, "running", "cn1", "small");
        assertThat(rules(run.check())).contains(Rule.DELETE_CAME_BACK);
    }

    @Test
    void aDeletedMachineWhoseZoneStaysFails() {
        run.create("c0", a, "small", Type.OK);
        run.delete("c0", a, Type.OK);
        run.recorded(a, "deleted", "cn1", "small").zone("cn1", a);
        assertThat(rules(run.check())).containsExactly(Rule.DELETE_CAME_BACK);
    }

    @Test
    void aZoneWithNoRecordIsAnOrphan() {
        run.zone("cn2", a);
        assertThat(rules(run.check())).containsExactly(Rule.ORPHAN_ZONE);
    }

    @Test
    void aZoneOnANodeTheRecordDoesNotNameIsAnOrphan() {
        run.create("c0", a, "small", Type.OK);
        run.recorded(a, "running", "cn1", "small").zone("cn2", a);
        assertThat(rules(run.check())).containsExactlyInAnyOrder(Rule.RUNNING_WITHOUT_ONE_ZONE, Rule.ORPHAN_ZONE);
    }

    @Test
    void aRunningRecordWithoutAZoneFails() {
        run.create("c0", a, "small", Type.OK);
        run.recorded(a, "running", "cn1", "small");
        run.zones.clear();
        assertThat(rules(run.check())).containsExactly(Rule.RUNNING_WITHOUT_ONE_ZONE);
    }

    @Test
    void aPackageNobodyAskedForFails() {
        run.create("c0", a, "small", Type.OK);
        run.resize("c0", a, "large", Type.FAIL);
        run.recorded(a, "running", "cn1", "huge");
        assertThat(rules(run.check())).containsExactly(Rule.UNREQUESTED_PACKAGE);
    }

    @Test
    void usageWithinATenthOfAPercentPassesAndBeyondItFails() {
        run.create("c0", a, "small", Type.OK);
        run.create("c0", b, "small", Type.OK);
        run.recorded(a, "running", "cn1", "small").recorded(b, "running", "cn1", "small");
        run.usage.add(new MeteredUsage(a, "cpu_seconds", 100.09, 100.0));
        run.usage.add(new MeteredUsage(b, "cpu_seconds", 100.2, 100.0));
        List<Violation> found = run.check();
        assertThat(found).extracting(Violation::machine).containsExactly(b);
        assertThat(found.get(0).describe()).contains("USAGE_MISMATCH").contains("0.2000 %");
    }

    @Test
    void meteredUsageBetweenTheCounterNowAndItsEarlierReadingHoldsAndBelowOrAboveItDoesNot() {
        UUID c = UUID.randomUUID();
        UUID d = UUID.randomUUID();
        for (UUID id : List.of(a, b, c, d)) {
            run.create("c0", id, "small", Type.OK);
            run.recorded(id, "running", "cn1", "small");
        }
        // an idle zone: its counter crept from 0.0950 s to 0.0954 s while the last samples travelled
        run.usage.add(new MeteredUsage(a, "cpu_seconds", 0.0951, 0.0954, 0.0950));
        run.usage.add(new MeteredUsage(b, "cpu_seconds", 0.0941, 0.0954, 0.0950)); // below what the kernel had counted earlier
        run.usage.add(new MeteredUsage(c, "cpu_seconds", 0.0956, 0.0954, 0.0950)); // above what the kernel counts now
        run.usage.add(new MeteredUsage(d, "cpu_seconds", 0.09495, 0.0954, 0.0950)); // within 0.1 % of the earlier reading
        List<Violation> found = run.check();
        assertThat(found).extracting(Violation::machine).containsExactlyInAnyOrder(b, c);
        assertThat(found).allSatisfy(v -> assertThat(v.describe()).contains("USAGE_MISMATCH").contains("said 0.095000 a few seconds before"));
    }

    @Test
    void aRunIsCheckedAgainFromTheFilesItLeft(@TempDir Path dir) throws Exception {
        run.create("c0", a, "small", Type.OK);
        run.recorded(a, "provisioning", null, "small").zone("cn1", b);
        Path history = dir.resolve("history.jsonl");
        try (History written = History.toFile(history)) {
            run.history.ops().forEach(op -> written.append(op.process(), op.type(), op.action(), op.machine(), op.argument(), op.answer()));
        }
        Path end = dir.resolve("end.json");
        Files.writeString(end, Json.write(new FinalState(run.records, run.zones, run.usage)));

        List<Violation> again = Checker.check(History.read(history), Json.read(Files.readString(end), FinalState.class));
        assertThat(rules(again)).containsExactlyInAnyOrder(Rule.ACKNOWLEDGED_CREATE, Rule.ORPHAN_ZONE);
    }

    private static List<Rule> rules(List<Violation> violations) {
        return violations.stream().map(Violation::rule).toList();
    }
}
