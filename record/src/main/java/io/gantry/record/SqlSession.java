package io.gantry.record;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * Where the ledger's SQL runs: a transaction the caller has open, on whichever driver the caller
 * uses ({@link JdbcSql} or {@link HibernateSql}). The caller commits or rolls back. Parameters are
 * written {@code ?1, ?2, …} and may repeat.
 */
public interface SqlSession {
    /** A parameter as the ledger writes it: {@code ?N}, group 1 the number; each adapter rewrites it for its driver. */
    Pattern PARAMETER = Pattern.compile("\\?(\\d+)");

    /** Runs an insert, update or delete; answers the number of rows it touched. */
    CompletionStage<Integer> update(String sql, Object... args);

    /** Runs a query; answers its rows, each as an array of its columns (also when there is one column). */
    CompletionStage<List<Object[]>> rows(String sql, Object... args);
}
