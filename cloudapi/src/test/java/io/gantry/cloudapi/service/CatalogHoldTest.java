package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A create's lookups of its image and package hold both rows (FOR SHARE) until its transaction ends, which is what an
 * operator's removal (FOR UPDATE, then counting their machines) waits for ({@link MachineCreation#held}, on the create's own plain connection). Checked on
 * the real PostgreSQL: while the lookup's transaction is open, another connection cannot take either row FOR UPDATE;
 * once it has ended, it can.
 */
class CatalogHoldTest {
    @Test
    @Timeout(60)
    void aCreatesLookupHoldsItsImageAndPackageUntilItsTransactionEnds() throws Exception {
        FreshDatabase fresh = TestPostgres.shared().freshDatabase("catalog_hold");
        DatabaseConfig config = new DatabaseConfig(fresh.host(), fresh.port(), fresh.name(), fresh.user(), fresh.password(), 2);
        Database.migrate(config);
        Vertx vertx = Vertx.vertx();
        try (Database db = Database.open(vertx, config); Seed seed = new Seed(config)) {
            UUID pkg = seed.pkg("hold-pkg", 128, 1024, 1, 100, 256, "held", false);
            UUID image = seed.image("hold-image", "1.0.0", "other", "busybox", "held");
            for (String imageRef : new String[] {image.toString(), "hold-image"}) {
                for (String pkgRef : new String[] {pkg.toString(), "hold-pkg"}) {
                    CompletableFuture<Void> release = new CompletableFuture<>();
                    CompletableFuture<MachineCreation.Catalogued> found = new CompletableFuture<>();
                    AtomicReference<Context> connectionThread = new AtomicReference<>(); // a connection is used on its own thread only
                    CompletableFuture<Void> ended = db.creates().withTransaction(c -> MachineCreation.held(c, imageRef, UUID.randomUUID(), pkgRef)
                                    .compose(held -> {
                                        connectionThread.set(Vertx.currentContext());
                                        found.complete(held);
                                        return io.vertx.core.Future.fromCompletionStage(release);
                                    }))
                            .toCompletionStage().toCompletableFuture();
                    String refs = "image " + imageRef + ", package " + pkgRef;
                    assertThat(found.get(30, TimeUnit.SECONDS).image().id).as(refs).isEqualTo(image);
                    assertThat(found.get().pkg().id).as(refs).isEqualTo(pkg);
                    assertThat(lockableForUpdate(config, "images", image)).as("the image while the create's transaction is open, " + refs).isFalse();
                    assertThat(lockableForUpdate(config, "packages", pkg)).as("the package while the create's transaction is open, " + refs).isFalse();
                    connectionThread.get().runOnContext(v -> release.complete(null));
                    ended.get(30, TimeUnit.SECONDS);
                    assertThat(lockableForUpdate(config, "images", image)).as("the image once it ended, " + refs).isTrue();
                    assertThat(lockableForUpdate(config, "packages", pkg)).as("the package once it ended, " + refs).isTrue();
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Whether another connection can take the row FOR UPDATE at once (NOWAIT: a held row is SQLSTATE 55P03). */
    private static boolean lockableForUpdate(DatabaseConfig config, String table, UUID id) throws SQLException {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password())) {
            c.setAutoCommit(false);
            try (var st = c.prepareStatement("select id from " + table + " where id = ? for update nowait")) {
                st.setObject(1, id);
                st.executeQuery().close();
                return true;
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            } finally {
                c.rollback();
            }
        }
    }
}
