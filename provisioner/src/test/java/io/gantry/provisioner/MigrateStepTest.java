package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ExportedDisk;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacedMachine;
import io.gantry.provisioner.placement.PlacementEngine;
import io.gantry.provisioner.placement.PlacementPolicy;
import io.gantry.provisioner.placement.Strategy;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An evacuation's steps on a real ZooKeeper and an in-memory record, the nodes answered by hand. */
class MigrateStepTest extends RigTest {
    private static final String IP = "10.200.0.9";
    private UUID machine;
    /** How many times each task (by id) was answered: an agent does each task once. */
    private final Map<UUID, Integer> answered = new HashMap<>();
    private final List<TaskKind> done = new ArrayList<>();

    @BeforeEach
    void aStoppedMachineOnCn1() throws Exception {
        rig.advertise("cn1", 4096);
        rig.advertise("cn2", 4096);
        machine = rig.records.machine("web", ZoneState.STOPPED, "cn1", 1024, List.of());
        rig.records.setState(machine, ZoneState.STOPPED, IP);
        rig.cluster.book("cn1", new PlacedMachine(machine, "t", "web", Map.of(), 1024, 1024));
    }

    private UUID evacuate(Map<String, Object> extra) {
        Map<String, Object> params = new HashMap<>(Map.of("ip", IP, "image", "img-1", "source", "cn1"));
        params.putAll(extra);
        return rig.records.queue(JobKind.MIGRATE, machine, params);
    }

    private MigrateStep step(LeaderLoop.StepHook hook) {
        LeaderParts leader = new LeaderParts(rig.zk, rig.records, rig.cluster, rig.watcher, rig.metrics, hook);
        return new MigrateStep(leader, new PlacementEngine(rig.cluster,
                new PlacementPolicy(new OverprovisionRatios(1.0, 1.0), Strategy.SPREAD, 3), RandomGenerator.getDefault()));
    }

    @Test
    void aStoppedMachineMovesWithItsAddressAndTheSourceCopyGoes() throws Exception {
        var nic = new io.gantry.common.net.Nic("02:00:00:00:00:0a", IP, UUID.randomUUID(), io.gantry.common.net.NetworkKind.FABRIC,
                "192.168.128.0/22", "192.168.128.1", 4096, 1450, true, true);
        rig.records.nics(machine, List.of(nic));
        UUID job = evacuate(Map.of());
        MigrateStep step = step(LeaderLoop.StepHook.NONE);

        step.advance(rig.records.job(job));
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.records.job(job).node()).as("the target").isEqualTo("cn2");
        assertThat(rig.cluster.nodeOf(job)).as("the target's capacity is held by a stand-in").contains("cn2");
        NodeTask export = only("cn1");
        assertThat(export.kind()).isEqualTo(TaskKind.EXPORT);
        assertThat(export.id()).isEqualTo(NodeTask.stepId(job, "export")).isNotEqualTo(job);
        String token = export.move().token();
        assertThat(token).hasSizeGreaterThan(30);

        answerAll();
        step.advance(rig.records.job(job));
        NodeTask imp = only("cn2");
        assertThat(imp.kind()).isEqualTo(TaskKind.IMPORT);
        assertThat(imp.spec().uuid()).isEqualTo(machine);
        assertThat(imp.spec().imageId()).isEqualTo("img-1");
        assertThat(imp.move().ip()).isEqualTo(IP);
        assertThat(imp.spec().nics()).as("the zone is rebuilt with its NICs").containsExactly(nic);
        assertThat(imp.move().token()).isEqualTo(token);
        assertThat(imp.move().url()).isEqualTo("http://cn1/disks/" + machine);
        assertThat(imp.move().sha256()).isEqualTo("ab".repeat(32));
        assertThat(imp.move().bytes()).isEqualTo(1L << 30);
        assertThat(rig.records.machineRow(machine).computeNode()).as("on its source until the target has it").isEqualTo("cn1");

        answerAll();
        step.advance(rig.records.job(job));
        assertThat(rig.records.machineRow(machine).computeNode()).isEqualTo("cn2");
        assertThat(only("cn1").kind()).isEqualTo(TaskKind.DELETE);

        answerAll();
        step.advance(rig.records.job(job));
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        var m = rig.records.machineRow(machine);
        assertThat(m.state()).isEqualTo(ZoneState.STOPPED);
        assertThat(m.computeNode()).isEqualTo("cn2");
        assertThat(rig.records.ipOf(machine)).isEqualTo(IP);
        assertThat(rig.cluster.nodeOf(machine)).contains("cn2");
        assertThat(rig.cluster.nodeOf(job)).isEmpty();
        assertThat(done).containsExactly(TaskKind.EXPORT, TaskKind.IMPORT, TaskKind.DELETE);
        assertNoTasksOrAnswersLeft();
    }

    @Test
    void theImportIsWrittenOnlyOnceTheMachinesMetadataIsInZooKeeper() throws Exception {
        UUID job = evacuate(Map.of());
        Map<String, Boolean> metadataThere = new HashMap<>();
        MigrateStep step = step((j, s) -> {
            try {
                metadataThere.put(s, rig.zk.checkExists().forPath(ZkPaths.metadata(machine)) != null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        step.advance(rig.records.job(job));
        answerAll();
        step.advance(rig.records.job(job));
        assertThat(only("cn2").kind()).isEqualTo(TaskKind.IMPORT);
        assertThat(metadataThere).as("not yet when the export is answered, there when the import is written")
                .containsEntry("exported", false).containsEntry("import-written", true);
    }

    /** The leader dies right after each of these steps is committed; the next one carries on to the same end. */
    @ParameterizedTest
    @ValueSource(strings = {"placed", "export-written", "dispatched", "exported", "import-written", "moved", "delete-written",
        "finished"})
    void aLeaderKilledAfterAnyStepIsFollowedByOneThatFinishesTheMove(String killedAfter) throws Exception {
        UUID job = evacuate(Map.of());
        boolean[] killed = {false};
        MigrateStep dying = step((j, s) -> {
            if (s.equals(killedAfter) && !killed[0]) {
                killed[0] = true;
                throw new IllegalStateException("leader killed after " + s);
            }
        });
        MigrateStep next = step(LeaderLoop.StepHook.NONE);
        MigrateStep current = dying;
        for (int pass = 0; pass < 12 && rig.records.stateOf(job).isOpen(); pass++) {
            try {
                current.advance(rig.records.job(job));
            } catch (IllegalStateException e) {
                assertThat(e).hasMessage("leader killed after " + killedAfter);
                rig.cluster.release(job); // a new leader knows only what the record books
                current = next;
            }
            answerAll();
        }
        assertThat(killed[0]).as("the leader was killed after " + killedAfter).isTrue();
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.SUCCEEDED);
        assertThat(rig.records.machineRow(machine).computeNode()).isEqualTo("cn2");
        assertThat(done).as("each task done once").containsExactly(TaskKind.EXPORT, TaskKind.IMPORT, TaskKind.DELETE);
        assertThat(answered.values()).allMatch(n -> n == 1);
        assertThat(rig.cluster.nodeOf(job)).isEmpty();
        assertNoTasksOrAnswersLeft();
    }

    @Test
    void aTargetThatRefusesLeavesTheMachineWholeOnItsSource() throws Exception {
        UUID job = evacuate(Map.of());
        MigrateStep step = step(LeaderLoop.StepHook.NONE);
        step.advance(rig.records.job(job));
        answerAll();
        step.advance(rig.records.job(job));
        NodeTask imp = only("cn2");
        rig.answer("cn2", imp.id(), new TaskResult(imp.id(), machine, false, null, null,
                "address 10.200.0.9 cannot move here: a zone on this node already has it", Instant.now()));
        step.advance(rig.records.job(job));
        assertThat(only("cn1").kind()).isEqualTo(TaskKind.RELEASE);
        answerAll();
        step.advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(job))
                .isEqualTo("node cn2 cannot take the machine: address 10.200.0.9 cannot move here: a zone on this node already has it");
        var m = rig.records.machineRow(machine);
        assertThat(m.computeNode()).isEqualTo("cn1");
        assertThat(m.state()).isEqualTo(ZoneState.STOPPED);
        assertThat(rig.cluster.nodeOf(machine)).contains("cn1");
        assertThat(rig.cluster.nodeOf(job)).as("the target's capacity is free again").isEmpty();
        assertNoTasksOrAnswersLeft();
    }

    @Test
    void whenNoOtherNodeFitsTheJobFailsWithPlacementsReasonAndNothingMoves() throws Exception {
        rig.cluster.book("cn2", new PlacedMachine(UUID.randomUUID(), "u", "big", Map.of(), 3900, 1024));
        UUID job = evacuate(Map.of());
        step(LeaderLoop.StepHook.NONE).advance(rig.records.job(job));

        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(job)).contains("no node").contains("memory").contains("the one the machine leaves");
        assertThat(rig.records.machineRow(machine).computeNode()).isEqualTo("cn1");
        assertThat(rig.tasks("cn1")).isEmpty();
        assertThat(rig.cluster.nodeOf(job)).isEmpty();
    }

    @Test
    void aNamedTargetIsCheckedByTheSameFilters() throws Exception {
        UUID toSource = evacuate(Map.of("to", "cn1"));
        step(LeaderLoop.StepHook.NONE).advance(rig.records.job(toSource));
        assertThat(rig.records.errorOf(toSource)).startsWith("node cn1 cannot take the machine: node cn1 is the one the machine leaves");

        UUID toNowhere = evacuate(Map.of("to", "cn9"));
        step(LeaderLoop.StepHook.NONE).advance(rig.records.job(toNowhere));
        assertThat(rig.records.errorOf(toNowhere)).isEqualTo("there is no node named cn9");

        UUID toCn2 = evacuate(Map.of("to", "cn2"));
        step(LeaderLoop.StepHook.NONE).advance(rig.records.job(toCn2));
        assertThat(rig.records.stateOf(toCn2)).isEqualTo(JobState.DISPATCHED);
        assertThat(rig.records.job(toCn2).node()).isEqualTo("cn2");
    }

    @Test
    void aMachineThatIsNotStoppedDoesNotMove() throws Exception {
        rig.records.setState(machine, ZoneState.RUNNING, null);
        UUID job = evacuate(Map.of());
        step(LeaderLoop.StepHook.NONE).advance(rig.records.job(job));
        assertThat(rig.records.stateOf(job)).isEqualTo(JobState.FAILED);
        assertThat(rig.records.errorOf(job)).isEqualTo("cannot evacuate a machine that is running; only a stopped machine moves");
        assertThat(rig.records.machineRow(machine).state()).isEqualTo(ZoneState.RUNNING);
        assertThatThrownBy(() -> rig.task("cn1", NodeTask.stepId(job, "export"))).isNotNull();
    }

    /** Answers every task on cn1 and cn2 as their agents would, each task once. */
    private void answerAll() throws Exception {
        for (String node : List.of("cn1", "cn2")) {
            for (String name : rig.tasks(node)) {
                UUID id = UUID.fromString(name);
                if (rig.zk.checkExists().forPath(ZkPaths.result(node, name)) != null) {
                    continue;
                }
                NodeTask t = rig.task(node, id);
                answered.merge(id, 1, Integer::sum);
                done.add(t.kind());
                TaskResult r = switch (t.kind()) {
                    case EXPORT -> new TaskResult(id, machine, true, ZoneState.STOPPED, IP, null, Instant.now(),
                            new ExportedDisk("http://" + node + "/disks/" + machine, "ab".repeat(32), 1L << 30));
                    case IMPORT -> new TaskResult(id, machine, true, ZoneState.STOPPED, t.move().ip(), null, Instant.now());
                    case DELETE -> new TaskResult(id, machine, true, ZoneState.DELETED, null, null, Instant.now());
                    case RELEASE -> new TaskResult(id, machine, true, ZoneState.STOPPED, IP, null, Instant.now());
                    default -> throw new AssertionError("an evacuation wrote a " + t.kind() + " task");
                };
                rig.answer(node, id, r);
            }
        }
    }

    private NodeTask only(String node) throws Exception {
        List<String> tasks = rig.tasks(node);
        assertThat(tasks).as("tasks on %s", node).hasSize(1);
        return Json.read(new String(rig.zk.getData().forPath(ZkPaths.task(node, tasks.get(0))), StandardCharsets.UTF_8), NodeTask.class);
    }

    private void assertNoTasksOrAnswersLeft() throws Exception {
        for (String node : List.of("cn1", "cn2")) {
            assertThat(rig.tasks(node)).as("tasks on %s", node).isEmpty();
            assertThat(rig.results(node)).as("answers on %s", node).isEmpty();
        }
    }
}
