package io.gantry.record;

import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.hibernate.cfg.Configuration;
import org.hibernate.reactive.provider.ReactiveServiceRegistryBuilder;
import org.hibernate.reactive.stage.Stage;
import org.hibernate.reactive.vertx.VertxInstance;

/**
 * An embedded PostgreSQL migrated with this module's own migrations, reached over JDBC and over
 * Hibernate Reactive (on a Vert.x of its own), with helpers that seed and read it over JDBC.
 */
final class TestRecord implements AutoCloseable {
    /** How a test opens the transaction the ledger runs in: one per driver the ledger is used with. */
    enum Driver {
        JDBC, HIBERNATE_SESSION, HIBERNATE_STATELESS
    }

    private final EmbeddedPostgres postgres;
    private final Vertx vertx;
    private final Stage.SessionFactory sessions;
    final String jdbcUrl;

    TestRecord() throws Exception {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
        Flyway.configure().dataSource(jdbcUrl, "postgres", "postgres").locations("classpath:db/migration").load().migrate();
        vertx = Vertx.vertx();
        Properties p = new Properties();
        p.setProperty("hibernate.connection.url", jdbcUrl);
        p.setProperty("hibernate.connection.username", "postgres");
        p.setProperty("hibernate.connection.password", "postgres");
        p.setProperty("hibernate.connection.pool_size", "4");
        p.setProperty("hibernate.hbm2ddl.auto", "none");
        Configuration cfg = new Configuration();
        cfg.setProperties(p);
        var registry = new ReactiveServiceRegistryBuilder().applySettings(cfg.getProperties())
                .addService(VertxInstance.class, (VertxInstance) () -> vertx).build();
        sessions = cfg.buildSessionFactory(registry).unwrap(Stage.SessionFactory.class);
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

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
    }

    int execute(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            return st.executeUpdate();
        }
    }

    List<List<Object>> query(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                List<List<Object>> rows = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** The one row {@code sql} selects. */
    List<Object> row(String sql, Object... params) throws SQLException {
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
        postgres.close();
    }
}
