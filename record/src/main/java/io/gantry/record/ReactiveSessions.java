package io.gantry.record;

import io.vertx.core.Vertx;
import java.util.Properties;
import org.hibernate.cfg.Configuration;
import org.hibernate.reactive.provider.ReactiveServiceRegistryBuilder;
import org.hibernate.reactive.stage.Stage;
import org.hibernate.reactive.vertx.VertxInstance;

/**
 * The one Hibernate Reactive bootstrap: a session factory on the caller's own Vert.x instance (so
 * its connections run on the application's event loops), with no schema generation: the schema is
 * Flyway's. The cloud API passes its entities; metering, which runs only native SQL, none.
 */
public final class ReactiveSessions {
    private ReactiveSessions() {
    }

    public static Stage.SessionFactory open(Vertx vertx, String jdbcUrl, String user, String password, int poolSize,
                                            Class<?>... entities) {
        Configuration cfg = new Configuration();
        for (Class<?> entity : entities) {
            cfg.addAnnotatedClass(entity);
        }
        Properties p = new Properties();
        p.setProperty("hibernate.connection.url", jdbcUrl);
        p.setProperty("hibernate.connection.username", user);
        p.setProperty("hibernate.connection.password", password);
        p.setProperty("hibernate.connection.pool_size", Integer.toString(poolSize));
        p.setProperty("hibernate.hbm2ddl.auto", "none");
        p.setProperty("hibernate.show_sql", "false");
        cfg.setProperties(p);
        var registry = new ReactiveServiceRegistryBuilder()
                .applySettings(cfg.getProperties())
                .addService(VertxInstance.class, (VertxInstance) () -> vertx)
                .build();
        return cfg.buildSessionFactory(registry).unwrap(Stage.SessionFactory.class);
    }
}
