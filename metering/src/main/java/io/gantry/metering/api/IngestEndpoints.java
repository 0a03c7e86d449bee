package io.gantry.metering.api;

import static io.gantry.metering.api.Requests.on;

import io.gantry.metering.ingest.Batches;
import io.gantry.metering.store.IngestStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** {@code POST /v1/usage}: a UsageBatch from an agent, answered 200 with its UsageAck once committed. */
record IngestEndpoints(IngestStore ingest, ApiObserver observer) {
    /** Batches bigger than this are parsed on a worker thread, not on the event loop. */
    private static final int PARSE_ON_WORKER_BYTES = 64 * 1024;

    void mount(Router r, BodyHandler body) {
        RequestTimer.route(r, HttpMethod.POST, "/v1/usage").handler(body).handler(this::ingest);
    }

    private record Prepared(Batches.Checked batch, String encoded) {
    }

    private void ingest(RoutingContext ctx) {
        long start = System.nanoTime();
        byte[] body = Requests.body(ctx);
        byte[] bytes = body == null ? new byte[0] : body;
        Future<Prepared> prepared;
        if (bytes.length > PARSE_ON_WORKER_BYTES) {
            prepared = ctx.vertx().executeBlocking(() -> prepare(bytes), false);
        } else {
            try {
                prepared = Future.succeededFuture(prepare(bytes));
            } catch (RuntimeException e) {
                prepared = Future.failedFuture(e);
            }
        }
        Reply.with(ctx, prepared.compose(p -> {
            if (p.batch().records().isEmpty()) {
                return Future.succeededFuture(p.batch().ack()).map(ack -> {
                    observer.ingested(0, 0, System.nanoTime() - start);
                    return ack;
                });
            }
            return on(ctx, ingest.store(p.encoded())).map(stored -> {
                observer.ingested(p.batch().received(), stored, System.nanoTime() - start);
                return p.batch().ack();
            });
        }), ack -> Reply.json(ctx, 200, ack));
    }

    private static Prepared prepare(byte[] bytes) {
        Batches.Checked batch = Batches.parse(bytes);
        return new Prepared(batch, IngestStore.encode(batch.records()));
    }
}
