package io.gantry.cloudapi.imagestore;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image store's HTTP server, where compute nodes fetch image files by their sha256 (and upload the images they
 * make). It has no authentication: its port belongs on the operators' admin network, which the nodes reach and
 * tenants do not.
 *
 * <pre>
 * GET  /blobs/sha256/:hex    200 with the file; "Range: bytes=N-" (or N-M) 206 from N; 416 past its end; 404 if absent
 * HEAD /blobs/sha256/:hex    the same headers, no body
 * PUT  /blobs/sha256/:hex    body = the file: 201 stored, 200 already there, 409 digest mismatch (nothing kept)
 * </pre>
 *
 * Files are streamed both ways, never held in memory.
 */
public final class ImageStoreServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ImageStoreServer.class);
    private static final String PREFIX = "/blobs/sha256/";
    private final Vertx vertx;
    private final BlobStore store;
    private final BlobReceiver receiver;
    private final AtomicLong bytesServed = new AtomicLong();
    private final AtomicLong blobsServed = new AtomicLong();
    private volatile HttpServer server;
    private volatile String baseUrl;

    private ImageStoreServer(Vertx vertx, BlobStore store) {
        this.vertx = vertx;
        this.store = store;
        this.receiver = new BlobReceiver(vertx, store);
    }

    /**
     * Blocking: binds {@code host:port} (0: any free port) and serves {@code store}. {@code advertisedHost} is the host
     * the base URL names (null: {@code host}).
     */
    public static ImageStoreServer start(Vertx vertx, BlobStore store, String host, int port, String advertisedHost) {
        ImageStoreServer s = new ImageStoreServer(vertx, store);
        try {
            s.server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
                    .requestHandler(s::handle)
                    .listen()
                    .toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the image store cannot listen on " + host + ":" + port + ": " + e.getCause().getMessage(), e.getCause());
        }
        s.baseUrl = "http://" + (advertisedHost == null ? host : advertisedHost) + ":" + s.server.actualPort();
        return s;
    }

    /** The URL nodes fetch from: {@code http://host:port}, blobs under {@code /blobs/sha256/}. */
    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.actualPort();
    }

    public BlobStore store() {
        return store;
    }

    /** Bytes of blobs sent since the start (GET bodies, from their range start). */
    public long bytesServed() {
        return bytesServed.get();
    }

    /** GET requests answered with a blob (200 or 206) since the start. */
    public long blobsServed() {
        return blobsServed.get();
    }

    private void handle(HttpServerRequest request) {
        String path = request.path();
        if (!path.startsWith(PREFIX)) {
            fail(request, GantryException.notFound(request.method() + " " + path + " is not a resource of the image store"));
            return;
        }
        String hex = path.substring(PREFIX.length());
        if (!BlobStore.isDigest(hex)) {
            fail(request, GantryException.invalid("a blob is named by its sha256, 64 lower-case hex digits; got '" + hex + "'"));
            return;
        }
        switch (request.method().name()) {
            case "GET" -> get(request, hex, true);
            case "HEAD" -> get(request, hex, false);
            case "PUT" -> put(request, hex);
            default -> fail(request, new GantryException(ErrorCode.BadRequest, request.method() + " is not allowed on " + path));
        }
    }

    private void get(HttpServerRequest request, String hex, boolean body) {
        vertx.executeBlocking(() -> store.size(hex), false).onComplete(found -> {
            if (found.failed()) {
                fail(request, found.cause());
                return;
            }
            if (found.result().isEmpty()) {
                fail(request, GantryException.notFound("the image store has no blob " + hex));
                return;
            }
            long size = found.result().get();
            HttpServerResponse response = request.response()
                    .putHeader("Accept-Ranges", "bytes")
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader("ETag", "\"" + hex + "\"");
            ByteRange range;
            try {
                range = ByteRange.parse(request.getHeader("Range"), size);
            } catch (ByteRange.Unsatisfiable e) {
                response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
                return;
            }
            if (range != null) {
                response.setStatusCode(206).putHeader("Content-Range", "bytes " + range.first() + "-" + range.last() + "/" + size);
            }
            long offset = range == null ? 0 : range.first();
            long length = range == null ? size : range.length();
            if (!body) {
                response.putHeader("Content-Length", Long.toString(length)).end();
                return;
            }
            blobsServed.incrementAndGet();
            bytesServed.addAndGet(length);
            response.sendFile(store.blob(hex).toString(), offset, length).onFailure(e ->
                    LOG.debug("image store: sending {} to {} stopped: {}", hex, request.remoteAddress(), e.toString()));
        });
    }

    private void put(HttpServerRequest request, String hex) {
        request.pause();
        receiver.receive(request)
                .compose(received -> vertx.executeBlocking(() -> {
                    if (!received.sha256().equals(hex)) {
                        store.discard(received.temp());
                        throw GantryException.invalid("digest mismatch: the body's sha256 is " + received.sha256() + ", not " + hex
                                + " (nothing was kept)");
                    }
                    return store.commit(received.temp(), hex);
                }, false))
                .onSuccess(commit -> {
                    LOG.info("image store: blob {} {} from {}", hex, commit == BlobStore.Commit.NEW ? "stored" : "was already here",
                            request.remoteAddress());
                    request.response().setStatusCode(commit == BlobStore.Commit.NEW ? 201 : 200)
                            .putHeader("Content-Type", "application/json")
                            .end(Json.write(java.util.Map.of("digest", "sha256:" + hex)));
                })
                .onFailure(e -> fail(request, e));
    }

    private static void fail(HttpServerRequest request, Throwable failure) {
        Throwable e = failure;
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        GantryException ge;
        if (e instanceof GantryException g) {
            ge = g;
        } else {
            LOG.error("image store: {} {} failed", request.method(), request.path(), e);
            ge = GantryException.internal("the image store could not answer: " + e.getMessage());
        }
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(ge.code().httpStatus()).putHeader("Content-Type", "application/json").end(Json.write(ge.body()));
    }

    @Override
    public void close() {
        HttpServer s = server;
        if (s != null) {
            s.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
