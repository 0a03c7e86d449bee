package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.auth.SshKeyPair;
import io.gantry.testkit.SignedClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry account} and {@code gantry ops audit} against a real cloud API (on embedded PostgreSQL): the operator
 * creates an account whose key then signs, disables it (its calls refused), enables and deletes it; every refusal is
 * one line with its exit code, and the audit log lists each action with its outcome.
 */
class AccountCommandsTest extends WithOperatorCli {
    @Test
    void anAccountIsCreatedSignsIsDisabledEnabledAndDeleted() {
        SshKeyPair pair = SshKeyPair.generate(work.resolve("keys"), "alice_rsa");
        GantryRun create = gantry("account", "create", "alice", "--email", "alice@example.test", "--key", pair.publicKeyFile().toString());
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.out()).contains("\"login\" : \"alice\"").contains("\"disabled\" : false");

        assertThat(gantry("account", "list").out()).containsPattern("(?m)^LOGIN +ID +OPERATOR DISABLED EMAIL$")
                .containsPattern("(?m)^alice +[0-9a-f-]{36} false +false +alice@example.test$");
        assertThat(gantry("account", "list", "--json").out()).contains("\"login\" : \"alice\"");
        assertThat(gantry("account", "get", "alice").out()).contains("\"email\" : \"alice@example.test\"");
        assertThat(gantry("limit", "list", "alice").out()).containsPattern("(?m)^count +20 -$").containsPattern("(?m)^ram +8192 -$");

        String[] asAlice = {"limit", "list", "alice", "--operator", "alice", "--operator-key", pair.privateKeyFile().toString()};
        assertRefused(gantry(asAlice), 1, "alice is not an operator"); // her key signs: the refusal is about /ops, not her key
        GantryRun disable = gantry("account", "disable", "alice");
        assertThat(disable.exit()).as(disable.toString()).isZero();
        assertThat(disable.out()).isEqualTo("account alice disabled; its running machines are being stopped\n");
        assertRefused(gantry(asAlice), 1, "account alice is disabled [NotAuthorized]");
        assertThat(gantry("account", "enable", "alice").out()).isEqualTo("account alice enabled\n");
        assertRefused(gantry(asAlice), 1, "alice is not an operator");

        GantryRun delete = gantry("account", "delete", "alice");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("account alice deleted\n");
        assertRefused(gantry("account", "get", "alice"), 3, "account alice not found [ResourceNotFound]");
        assertRefused(gantry("account", "delete", "alice"), 3, "account alice not found [ResourceNotFound]");

        GantryRun audit = gantry("ops", "audit");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.out()).containsPattern("(?m)^TIME +OPERATOR +ACTION +TARGET +OUTCOME$")
                .containsPattern("(?m)^\\S+ +admin +account-create +alice +ok$")
                .containsPattern("(?m)^\\S+ +admin +account-disable +alice +ok$")
                .containsPattern("(?m)^\\S+ +admin +account-delete +alice +failed: ResourceNotFound: account alice not found$");
        assertThat(gantry("ops", "audit", "--limit", "1", "--json").out()).contains("\"action\" : \"account-delete\"")
                .contains("\"success\" : false").doesNotContain("account-create");
    }

    @Test
    void anEntryWhoseOutcomeNeverCameShowsUnknown() {
        // what a cloud API that died between the change and its outcome leaves in the record
        plane.execute("insert into ops_audit (time, operator, action, target, params, outcome)"
                + " values (timestamptz '2000-01-01 00:00:00Z', 'admin', 'account-disable', 'zed', '{}', 'pending')");
        GantryRun audit = gantry("ops", "audit");
        assertThat(audit.exit()).as(audit.toString()).isZero();
        assertThat(audit.out()).containsPattern(
                "(?m)^\\S+ +admin +account-disable +zed +unknown \\(interrupted or still running; check the target\\)$");
        assertThat(gantry("ops", "audit", "--json").out()).containsPattern("\"target\" : \"zed\",\\s+\"params\" : \\{ },\\s+"
                + "\"outcome\" : \"unknown\",\\s+\"success\" : false");
    }

    @Test
    void badInputIsOneLineWithItsExitCodeAndChangesNothing() throws Exception {
        SshKeyPair pair = SshKeyPair.generate(work.resolve("keys"), "bob_rsa");
        String key = pair.publicKeyFile().toString();
        assertThat(gantry("account", "create", "bob", "--email", "bob@example.test", "--key", key).exit()).isZero();
        assertThat(gantry("account", "disable", "bob").exit()).isZero();
        String before = accountsAndLimits("bob");

        // duplicate login, whatever its case
        assertRefused(gantry("account", "create", "bob", "--email", "b@example.test", "--key", key), 2, "login bob is taken [InvalidArgument]");
        assertRefused(gantry("account", "create", "BOB", "--email", "b@example.test", "--key", key), 2, "login BOB is taken [InvalidArgument]");
        // login rules: 3-32 characters, a letter first, then letters, digits, _ . @; ops and my are reserved
        for (String login : new String[] {"1bob", "ab", "a".repeat(33), "bo-b", "_bob", "b b"}) {
            assertRefused(gantry("account", "create", login, "--email", "b@example.test", "--key", key), 2,
                    "login '" + login + "' must be 3-32 characters: a letter, then letters, digits, '_', '.' or '@' [InvalidArgument]");
        }
        assertRefused(gantry("account", "create", "ops", "--email", "b@example.test", "--key", key), 2, "login 'ops' is reserved");
        assertRefused(gantry("account", "create", "carol", "--email", "not-an-email", "--key", key), 2,
                "email 'not-an-email' is not an email address [InvalidArgument]");
        assertRefused(gantry("account", "create", "carol", "--key", key), 2, "Missing required option: '--email=<email>'");
        // malformed keys: missing, not a key, empty, the private half
        Path missing = work.resolve("keys/none.pub");
        assertRefused(gantry("account", "create", "carol", "--email", "c@example.test", "--key", missing.toString()), 2,
                "public key file " + missing + " does not exist");
        Path junk = Files.writeString(work.resolve("keys/junk.pub"), "ssh-rsa not-a-key\n");
        assertRefused(gantry("account", "create", "carol", "--email", "c@example.test", "--key", junk.toString()), 2, "[InvalidArgument]");
        Path empty = Files.writeString(work.resolve("keys/empty.pub"), "");
        assertRefused(gantry("account", "create", "carol", "--email", "c@example.test", "--key", empty.toString()), 2,
                "key is required (one OpenSSH public key line) [MissingParameter]");
        assertRefused(gantry("account", "create", "carol", "--email", "c@example.test", "--key", pair.privateKeyFile().toString()), 2,
                "[InvalidArgument]");
        // unknown accounts
        for (String command : new String[] {"get", "disable", "enable", "delete"}) {
            assertRefused(gantry("account", command, "nobody"), 3, "account nobody not found [ResourceNotFound]");
        }
        // the audit log's --limit
        assertRefused(gantry("ops", "audit", "--limit", "-1"), 2, "--limit must be a non-negative integer, got -1 [InvalidArgument]");
        assertRefused(gantry("ops", "audit", "--limit", "ten"), 2, "Invalid value for option '--limit': 'ten' is not an int");
        assertRefused(gantry("ops", "audit", "--limit", "99999999999"), 2, "Invalid value for option '--limit'");

        assertThat(accountsAndLimits("bob")).as("what the operator commands see, after every refusal").isEqualTo(before);
        assertRefused(gantry("account", "get", "carol"), 3, "account carol not found");
    }

    @Test
    void anAccountWithMachinesIsNotDeleted() {
        SignedClient dave = plane.account("dave");
        var machine = dave.post("/my/machines", plane.machine("dave-1", plane.smallPackage));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);
        String before = accountsAndLimits("dave");
        assertRefused(gantry("account", "delete", "dave"), 1, "account dave has 1 machine; delete them first [InvalidState]");
        assertThat(accountsAndLimits("dave")).isEqualTo(before);
        assertThat(gantry("account", "get", "dave").exit()).isZero();
    }
}
