package io.gantry.cloudapi.store;

import io.gantry.record.SqlSession;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;

/**
 * {@link SqlSession} over a plain Vert.x connection in the caller's transaction (the cloud API's create). The
 * ledger's {@code ?N} parameters become PostgreSQL's own {@code $N}, bound to argument N.
 */
public final class VertxSql implements SqlSession {
    private final SqlClient connection;

    public VertxSql(SqlClient connection) {
        this.connection = connection;
    }

    @Override
    public CompletionStage<Integer> update(String sql, Object... args) {
        return connection.preparedQuery(dollars(sql)).execute(Tuple.wrap(args)).map(rows -> rows.rowCount()).toCompletionStage();
    }

    @Override
    public CompletionStage<List<Object[]>> rows(String sql, Object... args) {
        return connection.preparedQuery(dollars(sql)).execute(Tuple.wrap(args)).map(rows -> {
            List<Object[]> out = new ArrayList<>(rows.size());
            for (Row row : rows) {
                Object[] columns = new Object[row.size()];
                for (int i = 0; i < columns.length; i++) {
                    columns[i] = row.getValue(i);
                }
                out.add(columns);
            }
            return out;
        }).toCompletionStage();
    }

    static String dollars(String sql) {
        Matcher m = PARAMETER.matcher(sql);
        return m.replaceAll(r -> "\\$" + r.group(1));
    }
}
