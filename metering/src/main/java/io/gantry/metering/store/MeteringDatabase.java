package io.gantry.metering.store;

import io.gantry.record.ReactiveSessions;
import io.vertx.core.Vertx;
import org.flywaydb.core.Flyway;
import org.hibernate.reactive.stage.Stage;

/**
 * Metering's connection to the shared PostgreSQL: its own migrations (schema {@code metering},
 * history table {@code metering.metering_schema_history}), then a Hibernate Reactive session
 * factory on the application's Vert.x. Every query is native SQL through stateless sessions: the
 * work is set-based (bulk upserts from a JSON parameter), which entities would only slow down.
 */
public final class MeteringDatabase implements AutoCloseable {
    public static final String SCHEMA = "metering";
    private final Stage.SessionFactory sessions;

    private MeteringDatabase(Stage.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /**
     * Applies metering's pending migrations. Blocking (JDBC): call it before serving, never on an
     * event loop. Its own schema keeps it apart from the cloud API's Flyway, which checks that
     * schema public holds nothing it did not create; so either may migrate first.
     */
    public static void migrate(String jdbcUrl, String user, String password) {
        Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .table("metering_schema_history")
                .locations("classpath:db/metering")
                .load()
                .migrate();
    }

    public static MeteringDatabase open(Vertx vertx, String jdbcUrl, String user, String password, int poolSize) {
        return new MeteringDatabase(ReactiveSessions.open(vertx, jdbcUrl, user, password, poolSize));
    }

    public Stage.SessionFactory sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
