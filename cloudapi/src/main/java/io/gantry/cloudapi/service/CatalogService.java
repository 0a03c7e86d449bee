package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import java.util.List;
import org.hibernate.reactive.stage.Stage;

/** What every tenant may pick from: packages and images (networks: {@link NetworkService}). Read-only through the API. */
public final class CatalogService {
    private final Stage.SessionFactory sessions;

    public CatalogService(Database db) {
        this.sessions = db.sessions();
    }

    public Future<List<PackageRecord>> packages() {
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery("from PackageRecord order by memory, name", PackageRecord.class)
                .getResultList()));
    }

    public Future<PackageRecord> pkg(String ref) {
        return Futures.of(sessions.withSession(s -> Lookups.pkg(s, ref)))
                .recover(e -> Future.failedFuture(notFoundIfUnknown(e, "package " + ref + " not found")));
    }

    /** The images {@code caller} sees: the public catalogue and the caller's own. */
    public Future<List<ImageRecord>> images(Caller caller) {
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery("from ImageRecord where " + ImageStates.VISIBLE
                        + " order by name, publishedAt", ImageRecord.class)
                .setParameter("a", caller.account().id)
                .getResultList()));
    }

    public Future<ImageRecord> image(Caller caller, String ref) {
        return Futures.of(sessions.withSession(s -> Lookups.image(s, ref, caller.account().id)))
                .recover(e -> Future.failedFuture(notFoundIfUnknown(e, "image " + ref + " not found")));
    }

    /** Lookups answer "does not exist" as InvalidArgument (right for a create); a GET of one answers 404. Other failures stay. */
    private static Throwable notFoundIfUnknown(Throwable e, String message) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return cause instanceof GantryException ? GantryException.notFound(message) : cause;
    }

}
