package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GantryRunTest {

    @Test
    void theServersLogLinesAreSetApartFromWhatTheCommandPrinted() {
        String captured = """
                uploading base.tar: 10 MiB (50%)
                23:06:53.558 INFO StandbyWarmer - standby ready: nodes taken in, after 271 ms
                23:06:53.601 WARN Agent - lost its session
                java.lang.IllegalStateException: closed
                \tat io.gantry.agent.Agent.run(Agent.java:10)
                Caused by: java.io.IOException: gone
                \t... 3 more
                gantry: node sv3 is alive [InvalidState]
                """;
        ByteArrayOutputStream real = new ByteArrayOutputStream();

        String kept = GantryRun.withoutServerLogs(captured, new PrintStream(real, true, StandardCharsets.UTF_8));

        assertThat(kept).isEqualTo("uploading base.tar: 10 MiB (50%)\ngantry: node sv3 is alive [InvalidState]\n");
        assertThat(real.toString(StandardCharsets.UTF_8)).contains("standby ready", "lost its session", "IllegalStateException", "... 3 more")
                .doesNotContain("gantry: node sv3");
    }
}
