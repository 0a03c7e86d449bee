package io.gantry.agent.usage;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import io.gantry.tls.CaTrust;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
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
 * others. When none can be reached (nothing listens, or none is known) it tries again every
 * {@code interval}, so usage flows within a second of metering's return; when metering answers but
 * with errors it backs off ({@code backoffInitial} doubling to {@code backoffMax}). Either wait ends
 * at once when a metering instance registers or changes its address in discovery. An
 * outage is logged once when it begins and once when it ends. Sending a batch again after a lost
 * answer is harmless: metering stores records by (zone, seq).
 *
 * <p>Metering's refusals are verdicts on the batch, not outages, so they are not retried as they are
 * (another instance would say the same). A 413 (too large) halves the batch size until the backlog is
 * shipped. A 400 with metering's error body (a record it will never take) narrows the batch to its
 * first half, again and again, until the refused record is alone; that record is then appended to
 * {@value #REJECTED_FILE} in the journal's directory (one JSON line: the record and metering's
 * message, fsync'd) and acknowledged locally, so the rest of the node's usage ships and the journal
 * compacts. Batches are always the journal's oldest unacknowledged entries, so the refused record is
 * its zone's oldest one too, and acknowledging through its seq skips nothing. After a crash between
 * the two steps the record is refused and set aside again: a line may repeat, (zone, seq) names it.
 */
public final class UsageShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageShipper.class);

    /** {@code trust}: the CA(s) metering's HTTPS certificate must come from; null: the JDK's trusted CAs. */
    public record Options(int batchRecords, Duration interval, Duration backoffInitial, Duration backoffMax,
                          Duration connectTimeout, Duration requestTimeout, CaTrust trust) {
        public Options(int batchRecords, Duration interval, Duration backoffInitial, Duration backoffMax, Duration connectTimeout,
                       Duration requestTimeout) {
            this(batchRecords, interval, backoffInitial, backoffMax, connectTimeout, requestTimeout, null);
        }

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

    enum Outcome { IDLE, SHIPPED, MORE, FAILED, UNREACHABLE }

    /** Where records metering refused for good are set aside, in the journal's directory. */
    public static final String REJECTED_FILE = "rejected.jsonl";

    /** A line of {@value #REJECTED_FILE}. */
    record Rejected(Instant rejectedAt, String node, String error, UsageRecord record) {
    }

    /** A failed attempt at one endpoint. */
    private static final class ShipException extends Exception {
        ShipException(String message) {
            super(message, null, false, false);
        }
    }

    /** Metering answered, and refused the batch: 413 (too large) or 400 (a record it will never take). */
    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
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
    private final AtomicLong rejected = new AtomicLong();
    private final Object signal = new Object();
    private volatile URI preferred;
    private volatile String lastFailure;
    private volatile boolean stopped;
    private boolean wake;
    private boolean endpointsChanged;
    private boolean outage;
    private long outageSince;
    private long outageAttempts;
    /** Records per batch: the configured size, halved on each 413 until the backlog is shipped. */
    private int batchCap;
    /** While a 400 is narrowed down: the next batch's size, and how many of the oldest entries hold the refused record. */
    private int probe;
    private int suspects;
    private Thread thread;

    /** {@code onEnded} hears the zones whose final record metering acknowledged (the meter forgets them). */
    public UsageShipper(String node, UsageJournal journal, MeteringEndpoints endpoints, Options options,
                        Consumer<Set<UUID>> onEnded) {
        this.node = node;
        this.journal = journal;
        this.endpoints = endpoints;
        this.options = options;
        this.onEnded = onEnded;
        this.batchCap = options.batchRecords();
        HttpClient.Builder http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if (options.trust() != null) {
            http.sslContext(options.trust().context()).sslParameters(CaTrust.parameters());
        }
        this.http = http.build();
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        endpoints.onChange(this::endpointsChanged);
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

    /** A metering instance appeared or moved: whatever the shipper waits for, it tries now. */
    private void endpointsChanged() {
        synchronized (signal) {
            endpointsChanged = true;
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
                    boolean moved = pause(backoff, false);
                    backoff = moved ? options.backoffInitial().toMillis() : Math.min(backoff * 2, options.backoffMax().toMillis());
                }
                case UNREACHABLE -> {
                    backoff = options.backoffInitial().toMillis();
                    pause(options.interval().toMillis(), true);
                }
                default -> {
                    backoff = options.backoffInitial().toMillis();
                    pause(options.interval().toMillis(), true);
                }
            }
        }
    }

    /** Waits {@code millis}, or less when endpoints change (or, if {@code wakeable}, on {@link #wakeUp}); true if they changed. */
    private boolean pause(long millis, boolean wakeable) {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (signal) {
            while (!stopped) {
                if (endpointsChanged || wakeable && wake) {
                    break;
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    return false;
                }
            }
            wake = false;
            boolean changed = endpointsChanged;
            endpointsChanged = false;
            return changed;
        }
    }

    /** One attempt: takes a batch, sends it (failing over between endpoints) and applies the ack. */
    Outcome shipOnce() throws InterruptedException {
        int limit = probe > 0 ? probe : batchCap;
        List<UsageEntry> batch = journal.unacked(limit);
        if (batch.isEmpty()) {
            return Outcome.IDLE;
        }
        List<URI> known = endpoints.current();
        if (known.isEmpty()) {
            return unreachable("no metering endpoint is known");
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
        boolean answered = false;
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
                if (probe > 0) {
                    suspects -= (int) newlyAcked;
                    if (suspects <= 0) {
                        probe = 0; // the refused stretch shipped after all
                    }
                }
                if (batch.size() >= limit) {
                    return Outcome.MORE;
                }
                batchCap = options.batchRecords(); // the backlog is shipped
                return Outcome.SHIPPED;
            } catch (Refused r) {
                preferred = endpoint;
                return refused(r, batch);
            } catch (ShipException | IOException e) {
                answered |= !isUnreachable(e);
                errors.add(endpoint + ": " + describe(e));
            }
        }
        return answered ? failed(String.join("; ", errors)) : unreachable(String.join("; ", errors));
    }

    private UsageAck post(URI endpoint, String body) throws Refused, ShipException, IOException, InterruptedException {
        String base = endpoint.toString();
        URI uri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/usage");
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(options.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 413 || response.statusCode() == 400 && isMeteringError(response.body())) {
            throw new Refused(response.statusCode(), "HTTP " + response.statusCode() + errorText(response.body()));
        }
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

    /** A 413 halves the batch, a 400 narrows it to its first half; a lone refused record is set aside. */
    private Outcome refused(Refused r, List<UsageEntry> batch) {
        if (batch.size() > 1 && r.status == 413) {
            batchCap = batch.size() / 2;
            probe = Math.min(probe, batchCap);
            LOG.info("metering refused {} usage records as too large ({}); sending at most {} a batch until the backlog is shipped",
                    batch.size(), r.getMessage(), batchCap);
            return Outcome.MORE;
        }
        if (batch.size() > 1) {
            suspects = batch.size();
            probe = batch.size() / 2;
            LOG.debug("metering refused a batch of {} usage records ({}); trying its first {}", batch.size(), r.getMessage(), probe);
            return Outcome.MORE;
        }
        if (r.status == 413) {
            return failed("metering refuses even a single usage record as too large: " + r.getMessage());
        }
        UsageRecord record = batch.get(0).record();
        Path file = journal.dir().resolve(REJECTED_FILE);
        try {
            setAside(file, new Rejected(Instant.now(), node, r.getMessage(), record));
        } catch (IOException | RuntimeException e) {
            return failed("metering refused the usage record of zone " + record.zone() + " seq " + record.seq() + " (" + r.getMessage()
                    + ") and it cannot be set aside in " + file + ": " + e);
        }
        rejected.incrementAndGet();
        LOG.warn("metering refused the usage record of zone {} seq {} for good ({}); it is set aside in {} and the node's other usage "
                + "ships on", record.zone(), record.seq(), r.getMessage(), file);
        probe = 0;
        suspects = 0;
        Set<UUID> ended = journal.acknowledge(new UsageAck(List.of(new UsageAck.Stored(record.zone(), record.seq()))));
        if (!ended.isEmpty()) {
            onEnded.accept(ended);
        }
        return Outcome.MORE;
    }

    /** Appends one line and forces it to disk; a torn last line (a crash mid-append) is ended first. */
    private static void setAside(Path file, Rejected line) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = ch.size();
            String text = Json.write(line) + "\n";
            if (end > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, end - 1);
                if (last.get(0) != '\n') {
                    text = "\n" + text;
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                end += ch.write(buf, end);
            }
            ch.force(true);
        }
        if (created) {
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        }
    }

    /** Nothing listens at the address, or the connection could not be made in time: metering is not there (yet). */
    private static boolean isUnreachable(Exception e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
    }

    private Outcome unreachable(String why) {
        failed(why);
        return Outcome.UNREACHABLE;
    }

    private Outcome failed(String why) {
        failures.incrementAndGet();
        lastFailure = why;
        if (!outage) {
            outage = true;
            outageSince = System.currentTimeMillis();
            outageAttempts = 0;
            LOG.warn("usage cannot be shipped to metering ({}); it stays in the journal and is retried every {} ms while metering "
                    + "cannot be reached, with back-off up to {} ms while it answers with errors (logged once until it works again)",
                    why, options.interval().toMillis(), options.backoffMax().toMillis());
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

    /** Metering's error body ({@code {"code", "message"}}), not, say, a proxy's page: only then is a 400 metering's verdict. */
    private static boolean isMeteringError(String body) {
        try {
            JsonNode json = Json.read(body, JsonNode.class);
            return json.hasNonNull("code") && json.hasNonNull("message");
        } catch (RuntimeException e) {
            return false;
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

    private String describe(Exception e) {
        String m = e.getMessage();
        m = m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        if (CaTrust.isHandshakeFailure(e)) {
            return "TLS handshake failed, metering's certificate is not trusted ("
                    + (options.trust() == null ? "no --metering-ca given: the JDK's CAs are trusted" : "not signed by the CA in "
                    + options.trust().file()) + "): " + m;
        }
        return m;
    }

    /** Why the last failed attempt failed (as logged when an outage begins), or null if none has. */
    public String lastFailure() {
        return lastFailure;
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

    /** Records metering refused for good, set aside in {@value #REJECTED_FILE}. */
    public long recordsRejected() {
        return rejected.get();
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
