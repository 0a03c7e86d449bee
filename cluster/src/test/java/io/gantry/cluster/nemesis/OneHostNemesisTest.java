package io.gantry.cluster.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The nemesis run on this one machine, without Docker ({@link OneHostPlane}): four tenants create, resize and delete
 * machines for two minutes while the nemesis kills the cloud API and the leading provisioner with SIGKILL, stops
 * PostgreSQL and ZooKeeper, expires a node's session and stops the whole control plane, one fault every 10-30 s; then
 * everything is healed and the checker judges the history. The nodes' zones are SIMULATED, so usage is not checked
 * against cgroup counters here. {@code -Dgantry.nemesis.seconds=600} runs the 10-minute version,
 * {@code -Dgantry.nemesis.seed=N} replays a schedule. The history is kept in target/nemesis/ as JSON lines.
 */
@Tag("nemesis")
class OneHostNemesisTest {
    private static final int CLIENTS = 4;

    @Test
    void underRandomFaultsEveryAcknowledgedOperationHolds() throws Exception {
        long seed = Long.getLong("gantry.nemesis.seed", System.currentTimeMillis());
        Duration duration = Duration.ofSeconds(Long.getLong("gantry.nemesis.seconds", 120));
        Path out = Files.createDirectories(Path.of("target", "nemesis"));
        Path work = Files.createTempDirectory("gantry-nemesis-");
        Path historyFile = out.resolve("history-" + seed + ".jsonl");
        System.out.printf("nemesis run: seed %d, %d s, history in %s, logs in %s%n", seed, duration.toSeconds(), historyFile, work);
        try (OneHostPlane plane = OneHostPlane.start(work, 3); History history = History.toFile(historyFile)) {
            List<TenantClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new TenantClient("c" + i, plane.tenant("nemesis" + i), history, plane.image()));
            }
            NemesisRun.Result result = NemesisRun.standard(history, clients, OneHostPlane.PACKAGES, Duration.ofMillis(300), plane.faults(), seed, plane::zones, List::of)
                    .run(duration, Duration.ofSeconds(120)).keep(out, "", seed);
            assertThat(result.faults()).as("faults injected").isPositive();
            assertThat(result.settledIn()).as("the cluster settled after the heal\n" + result.report()).isNotNull();
            assertThat(result.violations()).as(result.report()).isEmpty();
        } finally {
            try (var logs = Files.list(work)) { // the roles' logs outlive the run's directory
                for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
                    Files.copy(log, out.resolve(seed + "-" + log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            io.gantry.agent.host.Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
