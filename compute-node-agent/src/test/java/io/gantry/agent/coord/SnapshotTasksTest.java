package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.Package;
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

/** The snapshot tasks through the executor, on the simulated backend (which keeps snapshot names in memory only). */
class SnapshotTasksTest {
    private static final String IMAGE = "e".repeat(64);
    private final SimulatedZoneBackend backend = new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC());
    private final TaskExecutor executor = new TaskExecutor(backend, Clock.systemUTC());
    private final UUID machine = UUID.randomUUID();

    private TaskResult run(TaskKind kind, String snapshot) {
        return executor.execute(new NodeTask(UUID.randomUUID(), kind, machine, null, null, 0, Instant.now(), null, snapshot));
    }

    @Test
    void aSnapshotIsTakenRolledBackToAndDeleted() {
        executor.execute(new NodeTask(UUID.randomUUID(), TaskKind.PROVISION, machine,
                new ZoneSpec(machine, null, "acme", IMAGE, Package.custom(64, 50, 32, 64)), null, null, Instant.now()));
        TaskResult made = run(TaskKind.SNAPSHOT_CREATE, "s1");
        assertThat(made.ok()).as(made.error()).isTrue();
        assertThat(made.snapshotBytes()).isZero();
        assertThat(made.state()).isEqualTo(ZoneState.RUNNING);
        TaskResult rolled = run(TaskKind.SNAPSHOT_ROLLBACK, "s1");
        assertThat(rolled).extracting(TaskResult::ok, TaskResult::state).containsExactly(true, ZoneState.RUNNING);
        assertThat(run(TaskKind.SNAPSHOT_DELETE, "s1").ok()).isTrue();
        TaskResult none = run(TaskKind.SNAPSHOT_ROLLBACK, "s1");
        assertThat(none.ok()).isFalse();
        assertThat(none.error()).contains("no snapshot 's1'");
        TaskResult unnamed = run(TaskKind.SNAPSHOT_CREATE, null);
        assertThat(unnamed.ok()).isFalse();
        assertThat(unnamed.error()).contains("names no snapshot");
    }
}
