package io.gantry.cloudapi.imagestore;

import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An operator's image file on its way into the store: streamed to a temporary file (sha256 computed while it is
 * written), checked the node's way, then committed as the blob of its sha256. A refused or broken upload keeps nothing.
 */
public final class ImageUpload {
    /** A checked file now in the store: its sha256 (the node's image id), size and compression. */
    public record Stored(String sha256, long bytes, String compression) {
    }

    private final Vertx vertx;
    private final BlobReceiver receiver;
    private final ArchiveCheck check;

    public ImageUpload(Vertx vertx, ImageStoreSettings settings) {
        this.vertx = vertx;
        this.receiver = new BlobReceiver(vertx, BlobStore.open(settings.dir()));
        this.check = settings.check();
    }

    /** Receives {@code body} (paused until now) into a temporary file: not yet checked nor kept. */
    public Future<BlobReceiver.Received> receive(ReadStream<Buffer> body) {
        return receiver.receive(body);
    }

    /** Checks the received file the node's way and commits it as its blob; the temporary file is gone either way. */
    public Future<Stored> keep(BlobReceiver.Received received) {
        BlobStore store = receiver.store();
        return vertx.executeBlocking(() -> {
            try {
                if (received.bytes() == 0) {
                    throw GantryException.invalid("the request has no body: send the image file (a tarball, docker save archive or OCI"
                            + " layout) as the body");
                }
                check.check(received.temp());
                String compression = Compression.of(received.temp());
                store.commit(received.temp(), received.sha256());
                return new Stored(received.sha256(), received.bytes(), compression);
            } finally {
                store.discard(received.temp());
            }
        }, false);
    }

    /** Removes a received file that is not to be kept. */
    public Future<Void> discard(BlobReceiver.Received received) {
        return vertx.executeBlocking(() -> {
            receiver.store().discard(received.temp());
            return null;
        }, false);
    }
}
