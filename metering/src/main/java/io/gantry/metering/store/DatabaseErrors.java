package io.gantry.metering.store;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import org.hibernate.JDBCException;

/** What a failure from the database was, by its PostgreSQL SQLSTATE. */
public final class DatabaseErrors {
    private DatabaseErrors() {
    }

    /**
     * The SQLSTATE of a failure the database raised, else null. Hibernate Reactive reports it as a
     * {@link JDBCException} over a {@link SQLException}; the Vert.x client's own is a {@link PgException}.
     */
    public static String sqlState(Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            String state = null;
            if (e instanceof JDBCException j) {
                state = j.getSQLState();
            } else if (e instanceof SQLException s) {
                state = s.getSQLState();
            } else if (e instanceof PgException pg) {
                state = pg.getSqlState();
            }
            if (state != null) {
                return state;
            }
        }
        return null;
    }

    /** Deadlock or serialization failure: the transaction may simply be run again. */
    public static boolean retryable(Throwable failure) {
        String state = sqlState(failure);
        return "40P01".equals(state) || "40001".equals(state);
    }

    /** A table is missing: the cloud API has not migrated the database yet. */
    public static boolean missingTable(Throwable failure) {
        return "42P01".equals(sqlState(failure));
    }
}
