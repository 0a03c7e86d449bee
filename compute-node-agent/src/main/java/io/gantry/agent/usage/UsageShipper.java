package io.gantry.agent.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the journal's unacknowledged entries to metering ({@code POST <base>/v1/usage}, a JSON
 * {@link UsageBatch}; 200 answers a {@link UsageAck} once committed) and applies the ack. One batch
 * is in flight at a time, in journal order. It ships every {@code interval}, and again at once
 * while a full batch was sent (a backlog remains).
 *
 * <p>It sticks to one endpoint (a random one first) while it answers; on an error it tries the
 * others; when all fail it backs off ({@code backoffInitial} doubling to {@code backoffMax}). An
 * outage is logged once when it begins and once when it ends. Sending a batch again after a lost
 * answer is harmless: metering stores records by (zone, seq).
 */
public final class UsageShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageShipper.class);

    public record Options(int batchRecords, Duration interval, Duration backoffInitial, Duration backoffMax,
                          Duration connectTimeout, Duration requestTimeout) {
        public Options {
            if (batchRecords < 1) {
                throw new IllegalArgumentException("a batch holds at least one record");
            }
            for (Duration d : List.of(interval, backoffInitial, backoffMax, connectTimeout, requestTimeout)) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("shipper durations must be positive");
                }
            }
        }
    }

    enum Outcome { IDLE, SHIPPED, MORE, FAILED }

    /** A failed attempt at one endpoint. */
    private static final class ShipException extends Exception {
        ShipException(String message) {
            super(message, null, false, false);
        }
    }

    private final String node;
    private final UsageJournal journal;
    private final MeteringEndpoints endpoints;
    private final Options options;
    private final Consumer<Set<UUID>> onEnded;
    private final HttpClient http;
    private final AtomicLong shipped = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Object signal = new Object();
    private volatile URI preferred;
    private volatile boolean stopped;
    private boolean wake;
    private boolean outage;
    private long outageSince;
    private long outageAttempts;
    private Thread thread;

    /** {@code onEnded} hears the zones whose final record metering acknowledged (the meter forgets them). */
    public UsageShipper(String node, UsageJournal journal, MeteringEndpoints endpoints, Options options,
                        Consumer<Set<UUID>> onEnded) {
        this.node = node;
        this.journal = journal;
        this.endpoints = endpoints;
        this.options = options;
        this.onEnded = onEnded;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::loop, "gantry-usage-shipper-" + node);
        thread.setDaemon(true);
        thread.start();
    }

    /** Ships at once rather than at the next interval. */
    public void wakeUp() {
        synchronized (signal) {
            wake = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        long backoff = options.backoffInitial().toMillis();
        while (!stopped) {
            Outcome outcome;
            try {
                outcome = shipOnce();
            } catch (RuntimeException e) {
                LOG.debug("usage shipping failed", e);
                outcome = failed("shipping failed: " + e);
            } catch (InterruptedException e) {
                return;
            }
            switch (outcome) {
                case MORE -> {
                    backoff = options.backoffInitial().toMillis();
                    continue;
                }
                case FAILED -> {
                    pause(backoff, false);
                    backoff = Math.min(backoff * 2, options.backoffMax().toMillis());
                }
                default -> {
                    backoff = options.backoffInitial().toMillis();
                    pause(options.interval().toMillis(), true);
                }
            }
        }
    }

    private void pause(long millis, boolean wakeable) {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (signal) {
            while (!stopped) {
                if (wakeable && wake) {
                    break;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
            wake = false;
        }
    }

    /** One attempt: takes a batch, sends it (failing over between endpoints) and applies the ack. */
    Outcome shipOnce() throws InterruptedException {
        List<UsageEntry> batch = journal.unacked(options.batchRecords());
        if (batch.isEmpty()) {
            return Outcome.IDLE;
        }
        List<URI> known = endpoints.current();
        if (known.isEmpty()) {
            return failed("no metering endpoint is known");
        }
        List<UsageRecord> records = new ArrayList<>(batch.size());
        Map<UUID, Long> sentThrough = new HashMap<>();
        for (UsageEntry e : batch) {
            records.add(e.record());
            sentThrough.merge(e.zone(), e.seq(), Math::max);
        }
        String body = Json.write(new UsageBatch(node, records));
        URI sticky = preferred;
        int first = sticky == null ? -1 : known.indexOf(sticky);
        if (first < 0) {
            first = ThreadLocalRandom.current().nextInt(known.size());
        }
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < known.size(); i++) {
            URI endpoint = known.get((first + i) % known.size());
            try {
                shipped.addAndGet(records.size());
                UsageAck ack = post(endpoint, body);
                preferred = endpoint;
                long newlyAcked = apply(ack, batch, sentThrough);
                if (newlyAcked == 0) {
                    return failed(endpoint + " acknowledged none of " + batch.size() + " records");
                }
                recovered();
                return batch.size() >= options.batchRecords() ? Outcome.MORE : Outcome.SHIPPED;
            } catch (ShipException | IOException e) {
                errors.add(endpoint + ": " + describe(e));
            }
        }
        return failed(String.join("; ", errors));
    }

    private UsageAck post(URI endpoint, String body) throws ShipException, IOException, InterruptedException {
        String base = endpoint.toString();
        URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/usage");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(options.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new ShipException("HTTP " + response.statusCode() + errorText(response.body()));
        }
        try {
            UsageAck ack = Json.read(response.body(), UsageAck.class);
            if (ack.acked() == null) {
                throw new ShipException("the answer holds no 'acked' list");
            }
            return ack;
        } catch (RuntimeException e) {
            throw new ShipException("unreadable acknowledgement: " + e.getMessage());
        }
    }

    /** Applies an ack, never beyond what this batch held; returns how many of the batch it covers. */
    private long apply(UsageAck ack, List<UsageEntry> batch, Map<UUID, Long> sentThrough) {
        List<UsageAck.Stored> stored = new ArrayList<>();
        Map<UUID, Long> through = new HashMap<>();
        for (UsageAck.Stored s : ack.acked()) {
            Long sent = s == null ? null : sentThrough.get(s.zone());
            if (sent != null) {
                long t = Math.min(s.through(), sent);
                stored.add(new UsageAck.Stored(s.zone(), t));
                through.merge(s.zone(), t, Math::max);
            }
        }
        long covered = batch.stream().filter(e -> e.seq() <= through.getOrDefault(e.zone(), 0L)).count();
        Set<UUID> ended = journal.acknowledge(new UsageAck(stored));
        acked.addAndGet(covered);
        if (!ended.isEmpty()) {
            onEnded.accept(ended);
        }
        return covered;
    }

    private Outcome failed(String why) {
        failures.incrementAndGet();
        if (!outage) {
            outage = true;
            outageSince = System.currentTimeMillis();
            outageAttempts = 0;
            LOG.warn("usage cannot be shipped to metering ({}); it stays in the journal and is retried with back-off "
                    + "up to {} ms (logged once until it works again)", why, options.backoffMax().toMillis());
        } else {
            LOG.debug("usage shipping still fails: {}", why);
        }
        outageAttempts++;
        return Outcome.FAILED;
    }

    private void recovered() {
        if (outage) {
            outage = false;
            LOG.info("usage ships to metering again (to {}) after {} s and {} failed attempts; backlog {} records",
                    preferred, (System.currentTimeMillis() - outageSince) / 1000, outageAttempts, journal.backlog());
        }
    }

    private static String errorText(String body) {
        try {
            JsonNode json = Json.read(body, JsonNode.class);
            if (json.hasNonNull("message")) {
                return " " + json.path("code").asText("") + ": " + json.path("message").asText();
            }
        } catch (RuntimeException e) {
            // not the JSON error shape
        }
        return body == null || body.isBlank() ? "" : ": " + body.substring(0, Math.min(200, body.length())).strip();
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Records sent (each attempt counts, so a retried batch counts again). */
    public long recordsShipped() {
        return shipped.get();
    }

    /** Records metering acknowledged. */
    public long recordsAcked() {
        return acked.get();
    }

    /** Failed ship attempts (a round over every endpoint counts once). */
    public long shipFailures() {
        return failures.get();
    }

    /** The endpoint that answered last, or null. */
    public URI currentEndpoint() {
        return preferred;
    }

    /** Stops shipping; a batch in flight is given a moment and then abandoned (it stays unacknowledged). */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
            thread = null;
        }
        synchronized (signal) {
            signal.notifyAll();
        }
        if (t != null) {
            try {
                t.join(2000);
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(5000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
