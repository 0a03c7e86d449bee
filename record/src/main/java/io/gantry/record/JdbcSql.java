package io.gantry.record;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;

/**
 * {@link SqlSession} over a blocking JDBC connection (the provisioner's leader thread): every stage
 * it answers is already complete. {@code ?N} becomes JDBC's {@code ?}, bound to argument N.
 */
public final class JdbcSql implements SqlSession {
    private final Connection connection;

    public JdbcSql(Connection connection) {
        this.connection = connection;
    }

    @Override
    public CompletionStage<Integer> update(String sql, Object... args) {
        try (PreparedStatement st = prepare(sql, args)) {
            return CompletableFuture.completedStage(st.executeUpdate());
        } catch (SQLException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    @Override
    public CompletionStage<List<Object[]>> rows(String sql, Object... args) {
        try (PreparedStatement st = prepare(sql, args); ResultSet rs = st.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            List<Object[]> out = new ArrayList<>();
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                out.add(row);
            }
            return CompletableFuture.completedStage(out);
        } catch (SQLException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    /**
     * The value of a stage this adapter answered (complete already, so this never waits), with its
     * {@link SQLException} thrown as itself, for callers that speak blocking JDBC.
     */
    public static <T> T result(CompletionStage<T> stage) throws SQLException {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
        List<Object> bound = new ArrayList<>();
        Matcher m = PARAMETER.matcher(sql);
        StringBuilder jdbc = new StringBuilder();
        while (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n < 1 || n > args.length) {
                throw new IllegalArgumentException("?" + n + " has no argument (" + args.length + " given): " + sql);
            }
            bound.add(args[n - 1]);
            m.appendReplacement(jdbc, "?");
        }
        m.appendTail(jdbc);
        PreparedStatement st = connection.prepareStatement(jdbc.toString());
        try {
            for (int i = 0; i < bound.size(); i++) {
                st.setObject(i + 1, bound.get(i));
            }
        } catch (SQLException e) {
            st.close();
            throw e;
        }
        return st;
    }
}
