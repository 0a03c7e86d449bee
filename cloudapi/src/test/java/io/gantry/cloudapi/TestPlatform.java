package io.gantry.cloudapi;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.record.JdbcSql;
import io.gantry.record.JobLedger;
import java.sql.DriverManager;
import java.util.Map;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import java.security.KeyPair;
import java.util.UUID;

/**
 * A real cloud API on a real (embedded) PostgreSQL, with a catalogue and accounts seeded, for
 * integration tests. No provisioner runs, so machines stay provisioning unless a test moves them.
 */
final class TestPlatform implements AutoCloseable {
    final DatabaseConfig db;
    private final FreshDatabase database;
    final Vertx vertx;
    final CloudApi api;
    final UUID smallPackage;
    final UUID bigPackage;
    final UUID image;

    TestPlatform() throws Exception {
        this(Vertx.vertx(), 0);
    }

    /**
     * On {@code vertx} (closed with this platform), serving on {@code eventLoops} event loops (0: one per core),
     * with a fresh database of the test JVM's PostgreSQL (which runs without fsync: tests send thousands of requests).
     */
    TestPlatform(Vertx vertx, int eventLoops) throws Exception {
        this(vertx, eventLoops, config -> config);
    }

    /** As {@link #TestPlatform(Vertx, int)}, with the API's settings changed by {@code settings} (e.g. bearer tokens, metering). */
    TestPlatform(Vertx vertx, int eventLoops, java.util.function.UnaryOperator<CloudApiConfig> settings) throws Exception {
        this.vertx = vertx;
        database = TestPostgres.shared().freshDatabase("cloudapi_test");
        db = new DatabaseConfig(database.host(), database.port(), database.name(), database.user(), database.password(), 10);
        api = CloudApi.start(vertx, settings.apply(new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "test-1", db, null, null, eventLoops)));
        try (Seed seed = new Seed(db)) {
            smallPackage = seed.pkg("small", 128, 1024, 1, 100, 256, "small", true);
            bigPackage = seed.pkg("big", 1024, 4096, 2, 200, 1024, "big", false);
            image = seed.image("busybox", "1.0.0", "other", "busybox", "busybox");
            seed.network("external", "10.200.0.0/16", "the operator's shared external network");
        }
    }

    String url() {
        return "http://127.0.0.1:" + api.port();
    }

    /** A new account with a fresh RSA key registered, and a client signing as it. */
    SignedClient account(String login) throws Exception {
        return signer(login, false);
    }

    /** A new operator account (it may call /ops/...) with a fresh RSA key registered, and a client signing as it. */
    SignedClient operator(String login) throws Exception {
        return signer(login, true);
    }

    private SignedClient signer(String login, boolean operator) throws Exception {
        KeyPair pair = TestKeys.rsa();
        SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, login));
        try (Seed seed = new Seed(db)) {
            UUID account = operator ? seed.operator(login, login + "@example.test") : seed.account(login, login + "@example.test");
            seed.key(account, "test", key);
        }
        return new SignedClient(url(), login, key.md5Fingerprint(), pair);
    }

    /** The account's limits as admission reads them (provision_limits rows), in a fixed order. */
    java.util.List<java.util.List<Object>> limitRows(String login) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var st = c.prepareStatement("select by_what, value, check_what, check_value from provision_limits l join accounts a"
                     + " on a.id = l.account_id where a.login = ? order by by_what, check_what nulls first, check_value nulls first")) {
            st.setString(1, login);
            var rows = new java.util.ArrayList<java.util.List<Object>>();
            try (var rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(java.util.Arrays.asList(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4)));
                }
            }
            return rows;
        }
    }

    /** A new account with a fresh ECDSA P-256 key, signing with a SHA256 key id (not the CLI's MD5 form). */
    SignedClient ecdsaAccount(String login) throws Exception {
        KeyPair pair = TestKeys.ecdsa();
        SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, login));
        try (Seed seed = new Seed(db)) {
            seed.key(seed.account(login, login + "@example.test"), "ec", key);
        }
        return new SignedClient(url(), login, key.sha256Fingerprint(), pair, "ecdsa-sha256", "SHA256withECDSA");
    }

    int jobCount(UUID machine) {
        return (int) database.scalar("select count(*) from jobs where machine_id = ?", machine);
    }

    /** Every provisioning machine of the account stopped and its jobs done, as the provisioner and agent would leave them. */
    void markStopped(String login) {
        database.execute("update jobs set state = ?, updated = now() where machine_id in (select m.id from machines m"
                + " join accounts a on a.id = m.account_id where a.login = ?)", JobState.SUCCEEDED.wireName(), login);
        database.execute("update machines set state = 'stopped', compute_node = 'node-1', updated = now() where account_id ="
                + " (select id from accounts where login = ?) and state = 'provisioning'", login);
    }

    /** Every provisioning machine of the account running and its jobs done, as the provisioner and agent would leave them. */
    void markRunning(String login) {
        database.execute("update jobs set state = ?, updated = now() where machine_id in (select m.id from machines m"
                + " join accounts a on a.id = m.account_id where a.login = ?)", JobState.SUCCEEDED.wireName(), login);
        database.execute("update machines set state = 'running', compute_node = 'node-1', updated = now() where account_id ="
                + " (select id from accounts where login = ?) and state = 'provisioning'", login);
    }

    /** Ends every open job of the machine as the provisioner would on its node's success, the machine then {@code state}. */
    void finishJobs(String machine, ZoneState state) throws Exception {
        finishJobs(machine, state, null);
    }

    /** As {@link #finishJobs(String, ZoneState)}, each job failing with {@code error} unless it is null. */
    void finishJobs(String machine, ZoneState state, String error) throws Exception {
        try (var c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
            c.setAutoCommit(false);
            for (var row : query("select id, action, params, caller from jobs where machine_id = ? and state in ('queued', 'placed',"
                    + " 'dispatched') order by created", UUID.fromString(machine))) {
                var job = new JobLedger.Job(UUID.fromString(row.get(0).toString()), UUID.fromString(machine),
                        JobKind.fromWire(row.get(1).toString()), Map.of(), row.get(3).toString());
                new JobLedger(new JdbcSql(c)).finish(job, state, "10.200.99.99", error).toCompletableFuture().join();
            }
            c.commit();
        }
    }

    java.util.List<java.util.List<Object>> query(String sql, Object... params) {
        return database.query(sql, params);
    }

    /** A number the database answers, e.g. a count of rows. */
    long scalar(String sql, Object... params) {
        return database.scalar(sql, params);
    }

    /** Runs one statement (DDL too) on the platform's database; the count of rows it changed. */
    int execute(String sql, Object... params) {
        return database.execute(sql, params);
    }

    void limit(String login, String by, long value) {
        try (Seed seed = new Seed(db)) {
            seed.limit(seed.account(login, login + "@example.test"), by, value, null, null);
        }
    }

    @Override
    public void close() throws Exception {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }
}
