package io.gantry.cloudapi.store;

import io.vertx.core.Vertx;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.cfg.Configuration;
import org.hibernate.reactive.provider.ReactiveServiceRegistryBuilder;
import org.hibernate.reactive.stage.Stage;
import org.hibernate.reactive.vertx.VertxInstance;

/**
 * The cloud API's connection to the record: migrations first (gantry-record's {@code db/migration},
 * by Flyway over JDBC, once at start), then a Hibernate Reactive session factory that runs on the
 * application's own Vert.x instance.
 */
public final class Database implements AutoCloseable {
    private final Stage.SessionFactory sessions;

    private Database(Stage.SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Applies pending migrations. Blocking: call it before serving, not on an event loop. */
    public static void migrate(DatabaseConfig config) {
        Flyway.configure()
                .dataSource(config.jdbcUrl(), config.user(), config.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public static Database open(Vertx vertx, DatabaseConfig config) {
        Configuration cfg = new Configuration();
        for (Class<?> entity : new Class<?>[] {AccountRecord.class, KeyRecord.class, PackageRecord.class, ImageRecord.class,
                NetworkRecord.class, LimitRecord.class, MachineRecord.class, AuditRecord.class,
                FirewallRuleRecord.class}) {
            cfg.addAnnotatedClass(entity);
        }
        Properties p = new Properties();
        p.setProperty("hibernate.connection.url", config.jdbcUrl());
        p.setProperty("hibernate.connection.username", config.user());
        p.setProperty("hibernate.connection.password", config.password());
        p.setProperty("hibernate.connection.pool_size", Integer.toString(config.poolSize()));
        p.setProperty("hibernate.hbm2ddl.auto", "none");
        p.setProperty("hibernate.show_sql", "false");
        cfg.setProperties(p);
        StandardServiceRegistry registry = new ReactiveServiceRegistryBuilder()
                .applySettings(cfg.getProperties())
                .addService(VertxInstance.class, (VertxInstance) () -> vertx)
                .build();
        return new Database(cfg.buildSessionFactory(registry).unwrap(Stage.SessionFactory.class));
    }

    public Stage.SessionFactory sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessions.close();
    }
}
