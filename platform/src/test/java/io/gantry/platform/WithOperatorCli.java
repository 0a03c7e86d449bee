package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator commands' tests: a real cloud API (on embedded PostgreSQL) for the whole class, the
 * seeded operator {@code admin} with its key in a file, and {@code gantry} run in this JVM with the
 * operator's options.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class WithOperatorCli {
    protected Path work;
    protected ControlPlaneFixture fixture;
    protected ControlPlaneFixture.Plane plane;
    protected Path adminKey;

    @BeforeAll
    void startCloudApi() throws Exception {
        work = Files.createTempDirectory("gantry-operator-cli-");
        fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
        plane = fixture.plane();
        adminKey = plane.operator("admin", work.resolve("keys"));
    }

    @AfterAll
    void stopCloudApi() throws Exception {
        try {
            if (plane != null) {
                plane.close();
            }
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    /** gantry with the operator's options (unless the test gives its own), in this JVM, stdout and stderr captured. */
    protected GantryRun gantry(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--operator-key")) {
            all.addAll(List.of("--operator-key", adminKey.toString()));
        }
        if (!all.contains("--cloudapi-url")) {
            all.addAll(List.of("--cloudapi-url", plane.url()));
        }
        return GantryRun.of(all);
    }

    /** What the operator commands can see of the accounts and of {@code limitsOf}'s limits: equal before and after a refusal. */
    protected String accountsAndLimits(String... limitsOf) {
        StringBuilder seen = new StringBuilder();
        GantryRun accounts = gantry("account", "list", "--json");
        assertThat(accounts.exit()).as(accounts.toString()).isZero();
        seen.append(accounts.out());
        for (String login : limitsOf) {
            GantryRun limits = gantry("limit", "list", login, "--json");
            assertThat(limits.exit()).as(limits.toString()).isZero();
            seen.append(login).append(": ").append(limits.out());
        }
        return seen.toString();
    }

    /** Refused with {@code exit}: nothing on stdout, one line on stderr saying {@code says}. */
    protected static void assertRefused(GantryRun run, int exit, String says) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(exit);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("gantry: ").contains(says);
    }
}
