package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunbookStagesTest {
    @TempDir
    Path work;

    @Test
    void anUnknownStageIsRefused() {
        assertThatThrownBy(() -> RunbookStages.open("moon", work)).hasMessage("unknown stage 'moon' (dev, host or debian)");
    }

    @Test
    void theHostStageGivesGantryOnPathAndAScratchDirectory() {
        try (RunbookStage host = RunbookStages.open("host", work)) {
            assertThat(host.unavailable()).isEmpty();
            assertThat(host.environment()).containsOnlyKeys("PATH", "RUNBOOK_WORK");
            assertThat(host.environment().get("PATH")).startsWith(work.resolve("bin") + ":");
            assertThat(work.resolve("bin/gantry")).isExecutable();
            assertThat(Path.of(host.environment().get("RUNBOOK_WORK"))).isDirectory();
        }
    }
}
