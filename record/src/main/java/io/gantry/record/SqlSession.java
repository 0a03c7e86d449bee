package io.gantry.record;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the ledger's SQL runs: a transaction the caller has open, on whichever driver the caller
 * uses ({@link JdbcSql} or {@link HibernateSql}). The caller commits or rolls back. Parameters are
 * written {@code ?1, ?2, …} and may repeat.
 */
public interface SqlSession {

    /** Runs an insert, update or delete; answers the number of rows it touched. */
    CompletionStage<Integer> update(String sql, Object... args);

    /** Runs a query; answers its rows, each as an array of its columns (also when there is one column). */
    CompletionStage<List<Object[]>> rows(String sql, Object... args);
}
