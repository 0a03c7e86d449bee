package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import java.time.Clock;
import java.time.Instant;
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
}
