package io.gantry.record;

import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.JdbcAccess;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hibernate.reactive.stage.Stage;

/**
 * A fresh database of the test JVM's PostgreSQL, migrated with this module's own migrations,
 * reached over JDBC and over Hibernate Reactive (on a Vert.x of its own), with helpers that seed
 * and read it over JDBC.
 */
final class TestRecord implements JdbcAccess, AutoCloseable {
    /** How a test opens the transaction the ledger runs in: one per driver the ledger is used with. */
    enum Driver {
        JDBC, HIBERNATE_SESSION, HIBERNATE_STATELESS
    }

    private final FreshDatabase database;
    private final Vertx vertx;
    private final Stage.SessionFactory sessions;

    TestRecord() throws Exception {
        database = TestPostgres.shared().freshDatabase("record_test").migrate("classpath:db/migration");
        vertx = Vertx.vertx();
        sessions = ReactiveSessions.open(vertx, database.jdbcUrl(), database.user(), database.password(), 4);
    }

    /** Runs {@code work} in one transaction through {@code driver}; committed if it succeeds, rolled back if not. */
    <T> T inTransaction(Driver driver, Function<SqlSession, CompletionStage<T>> work) throws Exception {
        return switch (driver) {
            case JDBC -> {
                try (Connection c = connect()) {
                    c.setAutoCommit(false);
                    try {
                        T result = JdbcSql.result(work.apply(new JdbcSql(c)));
                        c.commit();
                        yield result;
                    } catch (Exception e) {
                        c.rollback();
                        throw e;
                    }
                }
            }
            case HIBERNATE_SESSION -> sessions.withTransaction((s, tx) -> work.apply(HibernateSql.of(s)))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
            case HIBERNATE_STATELESS -> sessions.withStatelessTransaction((s, tx) -> work.apply(HibernateSql.of(s)))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        };
    }

    @Override
    public Connection connect() throws SQLException {
        return database.connect();
    }

    /** The one row {@code sql} selects. */
    List<Object> row(String sql, Object... params) {
        List<List<Object>> rows = query(sql, params);
        if (rows.size() != 1) {
            throw new AssertionError(rows.size() + " rows from " + sql);
        }
        return rows.get(0);
    }

    UUID pkg(String name, long memory, long disk, int vcpus) throws SQLException {
        UUID id = UUID.randomUUID();
        execute("insert into packages (id, name, memory, swap, disk, vcpus, cpu_cap, lwps, version) values (?, ?, ?, ?, ?, ?, ?, 256, '1.0.0')",
                id, name, memory, memory, disk, vcpus, vcpus * 100);
        return id;
    }

    UUID account() throws SQLException {
        UUID id = UUID.randomUUID();
        String login = "t" + id.toString().substring(0, 8);
        execute("insert into accounts (id, login, email, created, updated) values (?, ?, ?, now(), now())", id, login, login + "@example.test");
        return id;
    }

    /** A machine of {@code account} on package {@code pkg} (named {@code pkgName}, 128 MiB, 1 GiB, one vCPU) in {@code state}. */
    UUID machine(UUID account, UUID pkg, String pkgName, String state) throws SQLException {
        UUID id = UUID.randomUUID();
        execute("insert into machines (id, account_id, name, state, brand, image_id, image_name, os, package_id, package_name, memory,"
                        + " swap, disk, vcpus, cpu_cap, lwps, networks, tags, metadata, affinity, firewall_enabled,"
                        + " deletion_protection, created, updated) values (?, ?, ?, ?, 'joyent', ?, 'busybox', 'other', ?, ?, 128, 128,"
                        + " 1024, 1, 100, 256, '[]', '{}', '{}', '[]', false, false, now(), now())",
                id, account, "m" + id.toString().substring(0, 8), state, UUID.randomUUID(), pkg, pkgName);
        return id;
    }

    @Override
    public void close() throws Exception {
        sessions.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
