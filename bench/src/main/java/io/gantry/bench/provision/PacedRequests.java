package io.gantry.bench.provision;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Open loop: the i-th request is sent at start + i / rate whether or not earlier ones were answered, so a slow server
 * is not hidden by a client that waits for it. Each request's scheduled wall-clock time is what its end-to-end
 * latency counts from.
 */
final class PacedRequests {
    /** What the caller learns of one request: when it was due, how long the API took to answer it, and the answer. */
    interface Outcome {
        void answered(int index, Instant scheduled, long apiNanos, int status, String body, Throwable error);
    }

    /** One request to send: {@code scheduled} is its due time (for the caller's own bookkeeping). */
    interface Request {
        HttpRequest build(int index, Instant scheduled);
    }

    private PacedRequests() {
    }

    /** Sends {@code count} requests at {@code rate} per second and returns once all are answered (or {@code waitSeconds} after the last). */
    static void run(HttpClient http, int rate, int count, Request request, Outcome outcome, int waitSeconds)
            throws InterruptedException, TimeoutException {
        long interval = 1_000_000_000L / rate;
        CompletableFuture<?>[] pending = new CompletableFuture<?>[count];
        long startNanos = System.nanoTime() + 20_000_000L;
        Instant startWall = Instant.now().plusNanos(startNanos - System.nanoTime());
        for (int i = 0; i < count; i++) {
            long due = startNanos + i * interval;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            Instant scheduled = startWall.plusNanos(i * interval);
            int n = i;
            HttpRequest r = request.build(n, scheduled);
            long sent = System.nanoTime();
            pending[i] = http.sendAsync(r, HttpResponse.BodyHandlers.ofString()).whenComplete((resp, err) -> {
                long took = System.nanoTime() - sent;
                outcome.answered(n, scheduled, took, resp == null ? 0 : resp.statusCode(), resp == null ? null : resp.body(), err);
            });
        }
        try {
            CompletableFuture.allOf(pending).get(waitSeconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // each failure is the caller's, through outcome
        }
    }
}
