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
    void aDebianRunbookFailsWhileThisBuildHasNoDebianStage() {
        boolean present;
        try {
            Class.forName("io.gantry.runbooks.DebianStage");
            present = true;
        } catch (ClassNotFoundException e) {
            present = false;
        }
        org.junit.jupiter.api.Assumptions.assumeFalse(present, "this build has the debian stage");
        assertThatThrownBy(() -> RunbookStages.open("debian", work)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no debian stage in this build");
    }

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
