package io.gantry.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * One database of a {@link TestPostgres}, how to reach it, and plain JDBC ({@link JdbcAccess}) for tests that read
 * or seed it directly.
 */
public record FreshDatabase(String host, int port, String name, String user, String password) implements JdbcAccess {
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** Applies the Flyway migrations found at {@code locations} (e.g. {@code classpath:db/migration}) to schema public. */
    public FreshDatabase migrate(String... locations) {
        Flyway.configure().dataSource(jdbcUrl(), user, password).locations(locations).load().migrate();
        return this;
    }

    @Override
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }
}
