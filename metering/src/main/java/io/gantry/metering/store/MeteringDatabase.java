package io.gantry.metering.store;

import io.vertx.core.Vertx;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.cfg.Configuration;
import org.hibernate.reactive.provider.ReactiveServiceRegistryBuilder;
import org.hibernate.reactive.stage.Stage;
import org.hibernate.reactive.vertx.VertxInstance;

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
        Configuration cfg = new Configuration();
        Properties p = new Properties();
        p.setProperty("hibernate.connection.url", jdbcUrl);
        p.setProperty("hibernate.connection.username", user);
        p.setProperty("hibernate.connection.password", password);
        p.setProperty("hibernate.connection.pool_size", Integer.toString(poolSize));
        p.setProperty("hibernate.hbm2ddl.auto", "none");
        p.setProperty("hibernate.show_sql", "false");
        cfg.setProperties(p);
        StandardServiceRegistry registry = new ReactiveServiceRegistryBuilder()
                .applySettings(cfg.getProperties())
                .addService(VertxInstance.class, (VertxInstance) () -> vertx)
                .build();
        return new MeteringDatabase(cfg.buildSessionFactory(registry).unwrap(Stage.SessionFactory.class));
    }

    public Stage.SessionFactory sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
