package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeTask;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResizeTaskTest {
    private static NodeTask task(JobKind action, Integer throttle) {
        // the cloud API has already moved the machine to its new package: gantry-256M
        var m = new OpenJob.Machine(UUID.randomUUID(), UUID.randomUUID(), "web1", ZoneState.RUNNING, "n1", 256, 256, 1024, 1, 100,
                256, "gantry-256M", Map.of(), List.of(), throttle, Map.of());
        return DispatchStep.taskFor(new OpenJob(UUID.randomUUID(), action, JobState.QUEUED, "n1", Map.of(), "acme", m));
    }

    @Test
    void aResizeTellsTheNodeTheNewPackagesName() {
        assertThat(task(JobKind.RESIZE, null).update())
                .isEqualTo(new ResourceUpdate(256L, 256L, 1, 100, 256, 1024L, "gantry-256M"));
    }

    @Test
    void aThrottleChangesOnlyTheCpuCapAndKeepsThePackage() {
        assertThat(task(JobKind.THROTTLE, 10).update()).isEqualTo(new ResourceUpdate(null, null, null, 10, null, null, null));
    }
}
