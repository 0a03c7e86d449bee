package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable memory of finished tasks, on disk only (no ZooKeeper, no zones). */
class FinishedTasksTest {
    @TempDir
    Path stateDir;

    private static TaskResult result() {
        return new TaskResult(UUID.randomUUID(), UUID.randomUUID(), true, ZoneState.RUNNING, "10.1.0.2", null, Instant.now());
    }

    @Test
    void resultsSurviveReopening() {
        TaskResult done = result();
        new FinishedTasks(stateDir).record(done);

        FinishedTasks reopened = new FinishedTasks(stateDir);
        assertThat(reopened.find(done.taskId())).contains(done);
        assertThat(reopened.find(UUID.randomUUID())).isEmpty();
        assertThat(stateDir.resolve("tasks/finished/" + done.taskId() + ".json")).exists();
    }

    @Test
    void keepsOnlyTheNewestResults() throws Exception {
        FinishedTasks finished = new FinishedTasks(stateDir, 3);
        List<TaskResult> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TaskResult r = result();
            results.add(r);
            finished.record(r);
        }

        assertThat(finished.size()).isEqualTo(3);
        assertThat(finished.find(results.get(0).taskId())).isEmpty();
        assertThat(finished.find(results.get(1).taskId())).isEmpty();
        assertThat(finished.find(results.get(4).taskId())).contains(results.get(4));
        try (var files = Files.list(stateDir.resolve("tasks/finished"))) {
            assertThat(files.count()).isEqualTo(3);
        }
        assertThat(new FinishedTasks(stateDir, 2).size()).isEqualTo(2);
    }
}
