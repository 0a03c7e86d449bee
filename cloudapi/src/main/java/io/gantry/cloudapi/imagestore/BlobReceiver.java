package io.gantry.cloudapi.imagestore;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.nio.file.Path;

/**
 * Streams an arriving file (a request body) into a new temporary file of the {@link BlobStore}, a buffer at a time
 * with back-pressure (never the whole file in memory), computing its sha256 and size as it is written. A failed
 * transfer leaves no temporary file.
 */
public final class BlobReceiver {
    /** A whole file in the store's temporary directory, not yet checked or committed. */
    public record Received(Path temp, String sha256, long bytes) {
    }

    private final Vertx vertx;
    private final BlobStore store;

    public BlobReceiver(Vertx vertx, BlobStore store) {
        this.vertx = vertx;
        this.store = store;
    }

    public BlobStore store() {
        return store;
    }

    /** Reads {@code body} to its end into a temporary file; {@code body} should be paused until this is called. */
    public Future<Received> receive(ReadStream<Buffer> body) {
        return vertx.executeBlocking(store::newTemp, false).compose(temp -> vertx.fileSystem()
                .open(temp.toString(), new OpenOptions().setWrite(true).setCreate(false).setTruncateExisting(true))
                .compose(file -> {
                    DigestingWriteStream sink = new DigestingWriteStream(file);
                    return body.pipeTo(sink).map(v -> new Received(temp, sink.hex(), sink.bytes()));
                })
                .recover(e -> vertx.executeBlocking(() -> {
                    store.discard(temp);
                    return null;
                }, false).transform(ignored -> Future.<Received>failedFuture(e))));
    }
}
