package io.gantry.cloudapi.service;

import io.gantry.cloudapi.imagestore.BlobReceiver;
import io.gantry.cloudapi.imagestore.ImageUpload;
import io.gantry.cloudapi.service.OperatorCatalogService.InUse;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * An operator's image import: the file streamed into the image store (sha256 computed on the way), checked the node's
 * way, then the catalogue row (node_image = that sha256, active, public) in one transaction. The same name and version
 * again with the same bytes is the same image; with other bytes it is refused, and the new bytes are not kept.
 */
public final class ImageImportService {
    /** The image, and whether this import made it (false: it was there with these bytes). */
    public record Imported(InUse<ImageRecord> image, boolean created) {
    }

    private final Stage.SessionFactory sessions;
    private final ImageUpload upload;

    /** {@code upload} null: this cloud API has no image store, and imports are refused. */
    public ImageImportService(Database db, ImageUpload upload) {
        this.sessions = db.sessions();
        this.upload = upload;
    }

    public Future<Imported> importImage(Caller operator, NewImage image, ReadStream<Buffer> body) {
        if (!operator.operator()) {
            return Future.failedFuture(new GantryException(ErrorCode.NotAuthorized, operator.account().login + " is not an operator"));
        }
        if (upload == null) {
            return Future.failedFuture(new GantryException(ErrorCode.InvalidState,
                    "this cloud API has no image store to import into (start it with --image-store-dir)"));
        }
        return upload.receive(body).compose(received -> Futures.of(sessions.withSession(s -> existing(s, image)))
                .compose(found -> {
                    if (found == null) {
                        return upload.keep(received).compose(stored -> Futures.of(sessions.withTransaction((s, tx) -> insert(s, image, stored))));
                    }
                    return upload.discard(received).map(v -> sameOrRefused(found, image, received.sha256()));
                }, e -> upload.discard(received).transform(v -> Future.<Imported>failedFuture(e))));
    }

    private static Imported sameOrRefused(ImageRecord found, NewImage image, String sha256) {
        if (!found.nodeImage.equals(sha256)) {
            throw GantryException.invalid("image " + image.name() + "@" + image.version() + " exists with other content (sha256 "
                    + found.nodeImage + ", this file's is " + sha256 + "); import it as a new version");
        }
        return new Imported(new InUse<>(found, 0), false);
    }

    private static CompletionStage<ImageRecord> existing(Stage.Session s, NewImage image) {
        return s.createSelectionQuery("from ImageRecord where name = :n and version = :v and ownerAccount is null", ImageRecord.class)
                .setParameter("n", image.name()).setParameter("v", image.version())
                .getResultList().thenApply(rows -> rows.isEmpty() ? null : rows.get(0));
    }

    /** Under a lock on the name and version, so of two imports racing only one inserts, and the other answers its row. */
    private static CompletionStage<Imported> insert(Stage.Session s, NewImage image, ImageUpload.Stored stored) {
        return s.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext('image ' || cast(?1 as text)))) x")
                .setParameter(1, image.name() + "@" + image.version())
                .getResultList()
                .thenCompose(locked -> existing(s, image))
                .thenCompose(found -> {
                    if (found != null) {
                        return java.util.concurrent.CompletableFuture.completedFuture(sameOrRefused(found, image, stored.sha256()));
                    }
                    ImageRecord r = new ImageRecord();
                    r.id = UUID.randomUUID();
                    r.name = image.name();
                    r.version = image.version();
                    r.os = image.os();
                    r.type = "zone-dataset";
                    r.state = CatalogState.ACTIVE;
                    r.isPublic = true;
                    r.publishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    r.description = image.description();
                    r.nodeImage = stored.sha256();
                    r.traits = "{}";
                    r.requirements = JsonText.write(image.requirements().toJson());
                    r.sizeBytes = stored.bytes();
                    r.compression = stored.compression();
                    return s.persist(r).thenApply(v -> new Imported(new InUse<>(r, 0), true));
                });
    }
}
