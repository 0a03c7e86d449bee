package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.SshKeyPair;
import io.gantry.testkit.SignedClient;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry limit} against a real cloud API (on embedded PostgreSQL): the operator signs with its
 * key file, the limits it sets are the ones admission applies, and every refusal is one line with
 * its exit code.
 */
class LimitCommandsTest extends WithOperatorCli {
    private Path tenantKey;
    private SignedClient free;

    @BeforeAll
    void seedTenant() throws Exception {
        free = plane.account("free");
        SshKeyPair pair = SshKeyPair.generate(work.resolve("keys"), "free_rsa");
        try (Seed seed = new Seed(plane.db)) {
            seed.key(seed.account("free", "free@example.test"), "file", pair.publicKey());
        }
        tenantKey = pair.privateKeyFile();
    }

    /** As {@link #assertRefused}, the line ending with the error's code, e.g. {@code [NotAuthorized]}. */
    private static void assertRefusedWithCode(GantryRun run, int exit, String says) {
        assertRefused(run, exit, says);
        assertThat(run.err().strip()).matches(".*\\[[A-Za-z]+\\]$");
    }

    @Test
    void theOperatorsLimitIsListedAndAdmissionAppliesItUntilItIsRemoved() {
        var first = free.post("/my/machines", plane.machine("free-1", plane.smallPackage));
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        GantryRun set = gantry("limit", "set", "free", "count", "1", "--operator", "admin");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.out()).contains("\"by\" : \"count\"").contains("\"value\" : 1");
        GantryRun scoped = gantry("limit", "set", "free", "ram", "4096", "--check", "image", "--check-value", "busybox");
        assertThat(scoped.exit()).as(scoped.toString()).isZero();

        var overLimit = free.post("/my/machines", plane.machine("free-2", plane.smallPackage));
        assertThat(overLimit.status()).as("the cloud API admits by the operator's limit: " + overLimit.body()).isEqualTo(403);
        assertThat(overLimit.json()).containsEntry("code", "QuotaExceeded");
        assertThat(overLimit.json().get("message").toString()).contains("at most 1 machines");

        GantryRun list = gantry("limit", "list", "free");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).containsPattern("(?m)^BY +VALUE CHECK$").containsPattern("(?m)^count +1 -$")
                .containsPattern("(?m)^ram +4096 image=busybox$");
        assertThat(gantry("limit", "list", "free", "--json").out()).contains("\"check_value\" : \"busybox\"");

        GantryRun delete = gantry("limit", "delete", "free", "count");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("count limit of free removed\n");
        assertRefusedWithCode(gantry("limit", "delete", "free", "count"), 3, "account free has no count limit [ResourceNotFound]");
        assertThat(gantry("limit", "delete", "free", "ram", "--check", "image", "--check-value", "busybox").exit()).isZero();
        assertThat(gantry("limit", "list", "free").out()).isEqualTo("BY            VALUE CHECK\n");

        var underLimit = free.post("/my/machines", plane.machine("free-3", plane.smallPackage));
        assertThat(underLimit.status()).as(underLimit.body()).isEqualTo(201);
    }

    @Test
    void aTenantsKeyIsNotAnOperatorsAndChangesNothing() {
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "100", "--operator", "free", "--operator-key", tenantKey.toString()), 1,
                "free is not an operator: /ops/... is open to operator accounts only [NotAuthorized]");
        assertRefusedWithCode(gantry("limit", "list", "free", "--operator", "free", "--operator-key", tenantKey.toString()), 1, "[NotAuthorized]");
        assertRefusedWithCode(gantry("limit", "list", "free", "--operator", "admin", "--operator-key", tenantKey.toString()), 1,
                "[InvalidCredentials]");
    }

    @Test
    void badInputIsOneLineWithItsExitCodeAndChangesNothing() {
        assertThat(gantry("limit", "set", "free", "vcpus", "4").exit()).isZero();
        try {
            refusalsChangeNothing();
        } finally {
            assertThat(gantry("limit", "delete", "free", "vcpus").exit()).isZero(); // the other tests find free without limits
        }
    }

    private void refusalsChangeNothing() {
        String before = accountsAndLimits("free");

        assertRefusedWithCode(gantry("limit", "set", "free", "cpu", "1"), 2, "limit 'by' must be count, ram, quota or vcpus; got 'cpu' [InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "-2"), 2, "got -2 [InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "ten"), 2, "Invalid value for positional parameter at index 2 (<value>): 'ten' is not a long");
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "99999999999999999999"), 2, "Invalid value for positional parameter at index 2");
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "1", "--check", "image"), 2, "go together: give both or neither [InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "1", "--check", "package", "--check-value", "x"), 2,
                "limit 'check' must be image, brand or os; got 'package' [InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "set", "free", "count", "1", "--check", "image", "--check-value", " "), 2,
                "check_value must not be empty: it is the image name, brand or os the limit counts [InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "set", "nobody", "count", "1"), 3, "account nobody not found [ResourceNotFound]");
        assertRefusedWithCode(gantry("limit", "list", "nobody"), 3, "account nobody not found [ResourceNotFound]");
        assertRefusedWithCode(gantry("limit", "delete", "nobody", "count"), 3, "account nobody not found [ResourceNotFound]");
        assertRefusedWithCode(gantry("limit", "delete", "free", "ram"), 3, "account free has no ram limit [ResourceNotFound]");
        assertRefusedWithCode(gantry("limit", "delete", "free", "vcpus", "--check", "os"), 2, "[InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "delete", "free", "bogus"), 2, "limit 'by' must be count, ram, quota or vcpus; got 'bogus' [InvalidArgument]");

        assertThat(accountsAndLimits("free")).as("what the operator commands see, after every refusal").isEqualTo(before);
    }

    @Test
    void aMissingKeyOrABadUrlIsOneLineWithItsExitCode() {
        Path missing = work.resolve("keys/none_rsa");
        assertRefusedWithCode(gantry("limit", "list", "free", "--operator-key", missing.toString()), 2,
                "private key file " + missing + " does not exist [InvalidArgument]");
        assertRefusedWithCode(gantry("limit", "list", "free", "--cloudapi-url", "ftp://x"), 2,
                "cloud API URL 'ftp://x' is not an http:// or https:// URL with a host (set --cloudapi-url or GANTRY_CLOUDAPI_URL)");
        assertRefusedWithCode(gantry("limit", "list", "free", "--cloudapi-url", "http://127.0.0.1:1"), 1,
                "the cloud API at http://127.0.0.1:1 cannot be reached");
    }
}
