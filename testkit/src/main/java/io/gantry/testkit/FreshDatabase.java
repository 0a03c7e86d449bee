package io.gantry.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;

/**
 * One database of a {@link TestPostgres}, how to reach it, and plain JDBC for tests that read or
 * seed it directly (a failing statement is an IllegalStateException naming the SQL).
 */
public record FreshDatabase(String host, int port, String name, String user, String password) {
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** Applies the Flyway migrations found at {@code locations} (e.g. {@code classpath:db/migration}) to schema public. */
    public FreshDatabase migrate(String... locations) {
        Flyway.configure().dataSource(jdbcUrl(), user, password).locations(locations).load().migrate();
        return this;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** Runs one statement with {@code params} bound in order; the count of rows it changed. */
    public int execute(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, params);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Every row of a query, each as its columns' values in order. */
    public List<List<Object>> query(String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, params);
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
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row as a number (0 for SQL null), e.g. of a {@code count(*)}. */
    public long scalar(String sql, Object... params) {
        Object v = query(sql, params).get(0).get(0);
        return v == null ? 0 : ((Number) v).longValue();
    }

    private static void bind(PreparedStatement st, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
    }
}
