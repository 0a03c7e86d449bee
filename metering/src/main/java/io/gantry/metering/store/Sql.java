package io.gantry.metering.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.common.Json;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * Native SQL through Hibernate Reactive, and reading its untyped rows. Bulk writes pass their rows
 * as one JSON parameter that PostgreSQL unpacks with {@code jsonb_to_recordset}: one statement and
 * one parameter whatever the row count (no 65,535-parameter limit, one cached plan).
 *
 * <p>Parameters are cast through text ({@code cast(cast(?1 as text) as jsonb)}): PostgreSQL types a
 * bare {@code cast(?1 as jsonb)} parameter as jsonb, and the Vert.x client then sends a Java String
 * as a JSON string value, not as the document it holds (same for timestamptz and uuid, which it
 * refuses to coerce from a String).
 */
final class Sql {
    /** JSON for the database and for job parameters: nulls kept (a lifted throttle is {"cpu_cap": null}). */
    private static final ObjectMapper WITH_NULLS = Json.mapper().copy().setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private Sql() {
    }

    static CompletionStage<List<Object[]>> rows(Stage.StatelessSession s, String sql, Object... params) {
        var q = s.createNativeQuery(sql, Object[].class);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        return q.getResultList();
    }

    static CompletionStage<Integer> update(Stage.StatelessSession s, String sql, Object... params) {
        var q = s.createNativeMutationQuery(sql);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        return q.executeUpdate();
    }

    /** Waits for the transaction-scoped advisory lock {@code key}: one holder at a time, released at commit. */
    static CompletionStage<Void> lock(Stage.StatelessSession s, long key) {
        return rows(s, "select 1, 0 from (select pg_advisory_xact_lock(?1)) x", key).thenApply(r -> null);
    }

    static String json(Object value) {
        try {
            return WITH_NULLS.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static long lng(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    static double dbl(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof BigDecimal b) {
            return b.doubleValue();
        }
        return ((Number) o).doubleValue();
    }

    static Integer intOrNull(Object o) {
        return o == null ? null : ((Number) o).intValue();
    }

    static String str(Object o) {
        return o == null ? null : o.toString();
    }

    static UUID uuid(Object o) {
        if (o == null) {
            return null;
        }
        return o instanceof UUID u ? u : UUID.fromString(o.toString());
    }

    /** A time selected as epoch milliseconds ({@link #MILLIS}). */
    static Instant instant(Object o) {
        return o == null ? null : Instant.ofEpochMilli(((Number) o).longValue());
    }

    /** SQL that selects a timestamptz column as epoch milliseconds: {@code String.format(MILLIS, "t.col")}. */
    static final String MILLIS = "cast(floor(extract(epoch from %s) * 1000) as bigint)";

    static String millis(String column) {
        return String.format(MILLIS, column);
    }
}
