package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.agent.sim.SimulatedZoneMover;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZoneMove;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How tasks map to backend calls and results. Zones are SIMULATED ({@link SimulatedZoneBackend},
 * in memory, nothing isolated): this is about the mapping, not about isolation.
 */
class TaskExecutorTest {
    private static final String IMAGE = "e".repeat(64);
    private final SimulatedZoneBackend backend = new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC());
    private final TaskExecutor executor = new TaskExecutor(backend, Clock.systemUTC());
    private final UUID machine = UUID.randomUUID();

    private TaskResult run(TaskKind kind, ZoneSpec spec, ResourceUpdate update) {
        return executor.execute(new NodeTask(UUID.randomUUID(), kind, machine, spec, update, 0, Instant.now()));
    }

    private TaskResult create(String image) {
        return run(TaskKind.PROVISION, new ZoneSpec(machine, null, "acme", image, Package.custom(64, 50, 32, 64)), null);
    }

    @Test
    void lifecycleTasksReportTheStateTheZoneEndsIn() {
        assertThat(create(IMAGE)).extracting(TaskResult::ok, TaskResult::state).containsExactly(true, ZoneState.RUNNING);
        assertThat(run(TaskKind.STOP, null, null).state()).isEqualTo(ZoneState.STOPPED);
        assertThat(run(TaskKind.START, null, null).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(run(TaskKind.REBOOT, null, null).state()).isEqualTo(ZoneState.RUNNING);
        TaskResult resized = run(TaskKind.RESIZE, null, ResourceUpdate.memory(128));
        assertThat(resized.ok()).isTrue();
        assertThat(backend.get(machine).pkg().memoryMiB()).isEqualTo(128);
        assertThat(run(TaskKind.DELETE, null, null)).extracting(TaskResult::ok, TaskResult::state)
                .containsExactly(true, ZoneState.DELETED);
        assertThat(backend.find(machine)).isEmpty();
    }

    @Test
    void updateNicsGivesTheZoneTheSpecsNicsAndAnswersItsNewAddress() {
        create(IMAGE);
        var nic = io.gantry.agent.net.TestNics.fabric(true).nic(5);
        TaskResult result = run(TaskKind.UPDATE_NICS, backend.get(machine).spec().withNics(List.of(nic)), null);
        assertThat(result.ok()).as(result.error()).isTrue();
        assertThat(result.ip()).isEqualTo(nic.ip());
        assertThat(backend.get(machine).spec().nics()).containsExactly(nic);
        assertThat(run(TaskKind.UPDATE_NICS, null, null).error()).contains("has no zone spec");
    }

    @Test
    void deletingAZoneThatIsNotThereSucceeds() {
        TaskResult result = run(TaskKind.DELETE, null, null);
        assertThat(result.ok()).isTrue();
        assertThat(result.state()).isEqualTo(ZoneState.DELETED);
    }

    @Test
    void aRefusedTaskIsAFailedResultWithTheReasonAndTheZoneState() {
        create(IMAGE);
        run(TaskKind.STOP, null, null);

        TaskResult result = run(TaskKind.REBOOT, null, null);
        assertThat(result.ok()).isFalse();
        assertThat(result.error()).contains("it is stopped");
        assertThat(result.state()).isEqualTo(ZoneState.STOPPED);
        assertThat(result.ip()).isEqualTo(backend.get(machine).ip());
    }

    @Test
    void aCreateWithAMissingImageFails() {
        TaskResult result = create("f".repeat(64));
        assertThat(result.ok()).isFalse();
        assertThat(result.error()).contains("is not on this node");
        assertThat(result.state()).isNull();
    }

    @Test
    void aResizeWithoutAnUpdateFails() {
        create(IMAGE);
        assertThat(run(TaskKind.RESIZE, null, null).error()).contains("has no update");
    }

    @Test
    void anEvacuationsTasksExportOnlyAStoppedZoneAndImportItStoppedWithItsAddress() {
        SimulatedZoneBackend target = new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC());
        TaskExecutor source = new TaskExecutor(backend, new SimulatedZoneMover(backend, "cn1"), Clock.systemUTC());
        TaskExecutor there = new TaskExecutor(target, new SimulatedZoneMover(target, "cn2"), Clock.systemUTC());
        ZoneSpec spec = new ZoneSpec(machine, null, "acme", IMAGE, Package.custom(64, 50, 32, 64));
        String ip = create(IMAGE).ip();

        TaskResult running = source.execute(new NodeTask(UUID.randomUUID(), TaskKind.EXPORT, machine, null, null, null, Instant.now(),
                ZoneMove.export("t".repeat(32))));
        assertThat(running.ok()).isFalse();
        assertThat(running.error()).isEqualTo("zone " + machine + " is running; only a stopped zone's disk can leave its node");

        run(TaskKind.STOP, null, null);
        TaskResult exported = source.execute(new NodeTask(UUID.randomUUID(), TaskKind.EXPORT, machine, null, null, null, Instant.now(),
                ZoneMove.export("t".repeat(32))));
        assertThat(exported.ok()).isTrue();
        assertThat(exported.exported().url()).isEqualTo("sim://cn1/disks/" + machine);

        TaskResult noMove = there.execute(new NodeTask(UUID.randomUUID(), TaskKind.IMPORT, machine, spec, null, null, Instant.now()));
        assertThat(noMove.error()).isEqualTo("import task " + noMove.taskId() + " has no move");
        TaskResult imported = there.execute(new NodeTask(UUID.randomUUID(), TaskKind.IMPORT, machine, spec, null, null, Instant.now(),
                new ZoneMove(ip, exported.exported().url(), "t".repeat(32), exported.exported().sha256(), 0L)));
        assertThat(imported).extracting(TaskResult::ok, TaskResult::state, TaskResult::ip).containsExactly(true, ZoneState.STOPPED, ip);
        assertThat(target.get(machine).state()).isEqualTo(ZoneState.STOPPED);

        assertThat(source.execute(new NodeTask(UUID.randomUUID(), TaskKind.DELETE, machine, null, null, 0, Instant.now())).ok()).isTrue();
        assertThat(backend.find(machine)).isEmpty();
    }

    @Test
    void withoutAMoverANodeRefusesToMoveZonesInOneLine() {
        create(IMAGE);
        run(TaskKind.STOP, null, null);
        TaskResult r = executor.execute(new NodeTask(UUID.randomUUID(), TaskKind.EXPORT, machine, null, null, null, Instant.now(),
                ZoneMove.export("t".repeat(32))));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).isEqualTo("this node's zones cannot be moved (its agent runs no disk transfer)");
        assertThat(r.state()).isEqualTo(ZoneState.STOPPED);
    }

    @Test
    void anImageCreateAnswersTheImageItsMakerMadeAndANodeWithoutOneRefuses() {
        create(IMAGE);
        run(TaskKind.STOP, null, null);
        var made = new TaskResult.MadeImage("f".repeat(64), 4242);
        TaskExecutor withMaker = new TaskExecutor(backend, io.gantry.agent.move.ZoneMover.NONE, zone -> {
            assertThat(zone).isEqualTo(machine);
            return made;
        }, Clock.systemUTC());
        TaskResult result = withMaker.execute(new NodeTask(UUID.randomUUID(), TaskKind.IMAGE_CREATE, machine, null, null, null, Instant.now()));
        assertThat(result.ok()).as(result.error()).isTrue();
        assertThat(result.image()).isEqualTo(made);
        assertThat(result.state()).isEqualTo(ZoneState.STOPPED);

        TaskResult refused = run(TaskKind.IMAGE_CREATE, null, null);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.error()).contains("cannot make images");
        assertThat(refused.image()).isNull();
    }
}
