package io.gantry.agent.usage;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for metering's ingest on 127.0.0.1 (JDK HttpServer): stores records by (zone, seq) as
 * metering does, answers the ack, and can be told to fail with 503 or 500.
 */
final class FakeMetering implements AutoCloseable {
    final Map<String, UsageRecord> stored = new ConcurrentHashMap<>();
    /** Every record of every batch answered 200, in order: a record here twice was stored, acked and still sent again. */
    final List<UsageRecord> ackedRecords = Collections.synchronizedList(new ArrayList<>());
    final List<UsageAck> acks = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    volatile boolean broken;
    volatile long ackBeyond;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    private FakeMetering() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/usage", this::ingest);
        server.setExecutor(executor);
        server.start();
    }

    static FakeMetering start() throws IOException {
        return new FakeMetering();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void ingest(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!ex.getRequestMethod().equals("POST")) {
                answer(ex, 405, "{\"code\":\"BadRequest\",\"message\":\"POST only\"}");
                return;
            }
            if (broken) {
                answer(ex, 500, "{\"code\":\"InternalError\",\"message\":\"this instance is broken\"}");
                return;
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                answer(ex, 503, "{\"code\":\"ServiceUnavailable\",\"message\":\"the database is down\"}");
                return;
            }
            UsageBatch batch = Json.read(body, UsageBatch.class);
            Map<UUID, Long> through = new TreeMap<>();
            for (UsageRecord r : batch.records()) {
                stored.putIfAbsent(r.key(), r);
                through.merge(r.zone(), r.seq() + ackBeyond, Math::max);
            }
            ackedRecords.addAll(batch.records());
            UsageAck ack = new UsageAck(through.entrySet().stream().map(t -> new UsageAck.Stored(t.getKey(), t.getValue())).toList());
            acks.add(ack);
            answer(ex, 200, Json.write(ack));
        }
    }

    private static void answer(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public synchronized void close() {
        if (executor.isShutdown()) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
