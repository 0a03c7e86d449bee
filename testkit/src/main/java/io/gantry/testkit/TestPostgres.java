package io.gantry.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL (zonky's embedded binaries) on loopback that hands out fresh, empty databases.
 * Tests share {@link #shared() one server per JVM}: a database each keeps them apart, and a server
 * is started once instead of once per class. Like every zonky server it runs with fsync and
 * synchronous commit off; a crash loses nothing a test needs.
 */
public final class TestPostgres implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    private static TestPostgres shared;
    private final EmbeddedPostgres server;
    private final AtomicInteger databases = new AtomicInteger();

    private TestPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    /** The test JVM's server, started on first use and stopped when the JVM ends. */
    public static synchronized TestPostgres shared() {
        if (shared == null) {
            // every test class runs its own connection pools against it: more than the default 100
            TestPostgres pg = start(Map.of("max_connections", "300"));
            Runtime.getRuntime().addShutdownHook(new Thread(pg::close, "embedded-postgres-stop"));
            shared = pg;
        }
        return shared;
    }

    /** A server of the caller's own, with these settings (e.g. {@code fsync=on} for a benchmark), closed by the caller. */
    public static TestPostgres start(Map<String, String> serverConfig) {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        serverConfig.forEach(builder::setServerConfig);
        try {
            return new TestPostgres(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** A new, empty database named {@code prefix} and a number, unique on this server. */
    public FreshDatabase freshDatabase(String prefix) {
        if (!prefix.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("a database prefix is lower-case letters, digits and _: " + prefix);
        }
        String name = prefix + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(server.getJdbcUrl(USER, "postgres"), USER, PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return new FreshDatabase("127.0.0.1", port(), name, USER, PASSWORD);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("the embedded PostgreSQL did not stop: " + e.getMessage(), e);
        }
    }
}
