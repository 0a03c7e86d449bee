package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.auth.SshKeyPair;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gantry account bootstrap-operator} on a real (embedded) PostgreSQL with no schema yet, as a new installation's. */
class OperatorBootstrapTest {
    @TempDir
    Path dir;

    private FreshDatabase db;
    private SshKeyPair key;

    @BeforeEach
    void setUp() {
        db = TestPostgres.shared().freshDatabase("bootstrap");
        key = SshKeyPair.generate(dir, "op");
    }

    private GantryRun bootstrap(String login, String email, Path keyFile) {
        List<String> args = new ArrayList<>(List.of("account", "bootstrap-operator", login, "--email", email, "--key", keyFile.toString(),
                "--db-host", db.host(), "--db-port", Integer.toString(db.port()), "--db-name", db.name(), "--db-user", db.user()));
        if (db.password() != null && !db.password().isEmpty()) {
            args.addAll(List.of("--db-password", db.password()));
        }
        return GantryRun.of(args);
    }

    @Test
    void makesTheFirstOperatorOnAnEmptyDatabaseOnceAndAuditsIt() {
        GantryRun first = bootstrap("root1", "root1@example.com", key.publicKeyFile());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("\"login\":\"root1\"", "\"operator\":true", key.publicKey().md5Fingerprint());

        GantryRun again = bootstrap("root1", "root1@example.com", key.publicKeyFile());
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(db.scalar("select count(*) from accounts where login = 'root1' and operator")).isEqualTo(1);
        assertThat(db.scalar("select count(*) from account_keys k join accounts a on a.id = k.account_id where a.login = 'root1'")).isEqualTo(1);
        assertThat(db.scalar("select count(*) from ops_audit where action = 'operator-bootstrap' and target = 'root1' and outcome = 'succeeded'")).isEqualTo(2);
    }

    @Test
    void neverMakesATenantAnOperator() {
        assertThat(bootstrap("root1", "root1@example.com", key.publicKeyFile()).exit()).isZero();
        db.execute("insert into accounts (id, login, email, created, updated) values (gen_random_uuid(), 'tenant1', 't@example.com', now(), now())");

        GantryRun refused = bootstrap("Tenant1", "t@example.com", key.publicKeyFile());

        assertThat(refused.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.err().strip()).isEqualTo(
                "gantry: login Tenant1 belongs to a tenant account (or a deleted one); choose another login for the operator [InvalidState]");
        assertThat(db.scalar("select count(*) from accounts where operator")).isEqualTo(1);
    }

    @Test
    void badInputIsOneLineAndWritesNothing() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("bad.pub"), "ssh-rsa not-base64 x\n");
        List<GantryRun> refused = List.of(
                bootstrap("ops", "o@example.com", key.publicKeyFile()),
                bootstrap("1abc", "o@example.com", key.publicKeyFile()),
                bootstrap("root2", "no-at-sign", key.publicKeyFile()),
                bootstrap("root2", "o@example.com", dir.resolve("missing.pub")),
                bootstrap("root2", "o@example.com", notAKey));
        for (GantryRun r : refused) {
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("gantry: ").contains("[InvalidArgument]");
        }
        // the refusals come before the schema is even made
        assertThat(db.scalar("select count(*) from information_schema.tables where table_name = 'accounts'")).isZero();
    }

    @Test
    void anUnreachableDatabaseIsServiceUnavailable() {
        GantryRun r = GantryRun.of(List.of("account", "bootstrap-operator", "root1", "--email", "r@example.com",
                "--key", key.publicKeyFile().toString(), "--db-host", "127.0.0.1", "--db-port", Integer.toString(io.gantry.testkit.LoopbackPort.free())));
        assertThat(r.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("gantry: cannot migrate the database").contains("[ServiceUnavailable]");
    }
}
