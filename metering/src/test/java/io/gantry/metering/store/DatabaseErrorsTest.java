package io.gantry.metering.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import org.hibernate.exception.LockAcquisitionException;
import org.hibernate.exception.SQLGrammarException;
import org.junit.jupiter.api.Test;

class DatabaseErrorsTest {

    @Test
    void theSqlStateIsFoundWhereverHibernateReactiveOrTheClientPutIt() {
        // as Hibernate Reactive reports a deadlock: a JDBC-style exception over an SQLException, in a CompletionException
        var deadlock = new CompletionException(new LockAcquisitionException("deadlock", new SQLException("deadlock detected", "40P01")));
        var missing = new SQLGrammarException("no table", new SQLException("relation \"accounts\" does not exist", "42P01"));
        var fromClient = new CompletionException(new PgException("could not serialize", "ERROR", "40001", null));

        assertThat(DatabaseErrors.retryable(deadlock)).isTrue();
        assertThat(DatabaseErrors.retryable(fromClient)).isTrue();
        assertThat(DatabaseErrors.retryable(missing)).isFalse();
        assertThat(DatabaseErrors.missingTable(missing)).isTrue();
        assertThat(DatabaseErrors.sqlState(new IllegalStateException("not from the database"))).isNull();
    }
}
