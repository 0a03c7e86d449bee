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
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for metering's ingest on 127.0.0.1 (JDK HttpServer): stores records by (zone, seq) as
 * metering does, answers the ack, and can be told to fail with 503 or 500, to refuse batches of more
 * than {@code maxRecords} with 413, and to refuse records by key with 400 as metering's validation
 * does (the whole batch, naming the first bad record, nothing stored).
 */
final class FakeMetering implements AutoCloseable {
    final Map<String, UsageRecord> stored = new ConcurrentHashMap<>();
    /** Every record of every batch answered 200, in order: a record here twice was stored, acked and still sent again. */
    final List<UsageRecord> ackedRecords = Collections.synchronizedList(new ArrayList<>());
    final List<UsageAck> acks = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    final AtomicInteger refusedTooLarge = new AtomicInteger();
    final AtomicInteger refusedInvalid = new AtomicInteger();
    /** Keys ({@code zone/seq}) of records refused with 400. */
    final Set<String> invalid = ConcurrentHashMap.newKeySet();
    volatile int maxRecords = Integer.MAX_VALUE;
    /** Answers 400 with a plain text body, as something in front of metering might. */
    volatile boolean plain400;
    volatile boolean broken;
    volatile long ackBeyond;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    private FakeMetering(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/v1/usage", this::ingest);
        server.setExecutor(executor);
        server.start();
    }

    static FakeMetering start() throws IOException {
        return new FakeMetering(0);
    }

    /** On a given port: metering coming back where it was. */
    static FakeMetering startOn(int port) throws IOException {
        return new FakeMetering(port);
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
            if (plain400) {
                answerText(ex, 400, "Bad Request");
                return;
            }
            UsageBatch batch = Json.read(body, UsageBatch.class);
            if (batch.records().size() > maxRecords) {
                refusedTooLarge.incrementAndGet();
                answer(ex, 413, "{\"code\":\"RequestTooLarge\",\"message\":\"the request body is larger than allowed\"}");
                return;
            }
            for (int i = 0; i < batch.records().size(); i++) {
                UsageRecord r = batch.records().get(i);
                if (invalid.contains(r.key())) {
                    refusedInvalid.incrementAndGet();
                    answer(ex, 400, Json.write(Map.of("code", "InvalidArgument", "message", "record " + i + " (zone " + r.zone()
                            + ", seq " + r.seq() + "): cpuNanos must not be negative; got -1")));
                    return;
                }
            }
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

    private static void answerText(HttpExchange ex, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
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
