package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/usage against a real PostgreSQL: idempotent, all-or-nothing, safe under concurrency, fast enough. */
class IngestTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final int MAX_BODY = 8 * 1024 * 1024;
    private static TestDatabase db;
    private static Instance metering;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(true);
        metering = Instance.leading(db.config(new TestClock(T0.plusSeconds(3600))).withTick(Duration.ofMillis(200))
                .withMaxBodyBytes(MAX_BODY));
    }

    @AfterAll
    static void stop() {
        if (metering != null) {
            metering.close();
        }
    }

    private static List<UsageRecord> records(ZoneSim zone, int count) {
        List<UsageRecord> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(zone.next(T0.plusSeconds(i), 1, true));
        }
        return out;
    }

    private static long rows(UUID... zones) {
        long n = 0;
        for (UUID z : zones) {
            n += db.scalar("select count(*) from metering.usage_raw where zone = ?", z);
        }
        return n;
    }

    /** Everything metering holds about the zones: raw rows, cursors, roll-ups and period totals, as text. */
    private static String snapshot(String tenant, UUID... zones) {
        StringBuilder s = new StringBuilder();
        for (UUID z : zones) {
            s.append(db.query("select seq, cpu_ns, rolled from metering.usage_raw where zone = ? order by seq", z));
            s.append(db.query("select seq, cpu_ns, net_rx from metering.usage_cursor where zone = ?", z));
            for (String t : List.of("usage_minute", "usage_hour", "usage_day")) {
                s.append(db.query("select bucket, instance_ms, cpu_ns, memory_byte_seconds, memory_peak_bytes, disk_byte_seconds, net_rx,"
                        + " net_tx, oom_kills, forks_refused from metering." + t + " where zone = ? order by bucket", z));
            }
        }
        s.append(db.query("select period, period_start, instance_ms, cpu_ns, net_rx, net_tx from metering.usage_period"
                + " where account = ? order by period, period_start", tenant));
        return s.toString();
    }

    private static boolean allRolled(UUID... zones) {
        for (UUID z : zones) {
            if (db.scalar("select count(*) from metering.usage_raw where zone = ? and not rolled", z) > 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aBatchIsStoredOnceAndAcknowledgedPerZone() {
        ZoneSim a = new ZoneSim(UUID.randomUUID(), "tenant-ack", "small", 1);
        ZoneSim b = new ZoneSim(UUID.randomUUID(), "tenant-ack", "small", 2);
        List<UsageRecord> batch = new ArrayList<>(records(a, 5));
        batch.addAll(records(b, 3));
        Collections.shuffle(batch, new Random(7));

        Http.Response r = metering.send(batch);

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode acked = r.json().get("acked");
        assertThat(acked).hasSize(2);
        for (JsonNode z : acked) {
            long through = UUID.fromString(z.get("zone").asText()).equals(a.zone) ? 5 : 3;
            assertThat(z.get("through").asLong()).isEqualTo(through);
        }
        assertThat(rows(a.zone)).isEqualTo(5);
        assertThat(rows(b.zone)).isEqualTo(3);
        UsageRecord fourth = batch.stream().filter(x -> x.zone().equals(a.zone) && x.seq() == 4).findFirst().orElseThrow();
        List<Object> stored = db.query("select account, node, package_name, cpu_ns, memory_peak_bytes, net_tx, forks_refused,"
                + " floor(extract(epoch from time) * 1000) from metering.usage_raw where zone = ? and seq = 4", a.zone).get(0);
        assertThat(stored.get(0)).isEqualTo("tenant-ack");
        assertThat(stored.get(1)).isEqualTo("node-1");
        assertThat(stored.get(2)).isEqualTo("small");
        assertThat(((Number) stored.get(3)).longValue()).isEqualTo(fourth.cpuNanos());
        assertThat(((Number) stored.get(4)).longValue()).isEqualTo(fourth.memoryPeakBytes());
        assertThat(((Number) stored.get(5)).longValue()).isEqualTo(fourth.netTxBytes());
        assertThat(((Number) stored.get(6)).longValue()).isEqualTo(fourth.forksRefused());
        assertThat(((Number) stored.get(7)).longValue()).isEqualTo(fourth.timeMillis());
    }

    @Test
    void theSameBatchReplayedChangesNothing() {
        ZoneSim a = new ZoneSim(UUID.randomUUID(), "tenant-replay", "small", 3);
        ZoneSim b = new ZoneSim(UUID.randomUUID(), "tenant-replay", "small", 4);
        List<UsageRecord> batch = new ArrayList<>(records(a, 90));
        batch.addAll(records(b, 90));
        metering.ingest(batch);
        await().atMost(Duration.ofSeconds(10)).until(() -> allRolled(a.zone, b.zone));
        String before = snapshot("tenant-replay", a.zone, b.zone);

        Http.Response again = metering.send(batch);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("acked")).hasSize(2);
        // several roll-up ticks later, nothing moved: no row, no delta
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(3))
                .until(() -> snapshot("tenant-replay", a.zone, b.zone).equals(before));
        assertThat(rows(a.zone, b.zone)).isEqualTo(180);
    }

    @Test
    void anOverlappingBatchStoresOnlyTheNewRecords() {
        UUID zone = UUID.randomUUID();
        List<UsageRecord> first = records(new ZoneSim(zone, "tenant-overlap", "small", 5), 5);
        // seq 3..8 again, from a different run: the stored 3..5 must stay as they were
        List<UsageRecord> second = records(new ZoneSim(zone, "tenant-overlap", "small", 6), 8).subList(2, 8);
        metering.ingest(first);

        Http.Response r = metering.send(second);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("acked").get(0).get("through").asLong()).isEqualTo(8);
        assertThat(db.query("select seq from metering.usage_raw where zone = ? order by seq", zone).stream()
                .map(row -> ((Number) row.get(0)).longValue()).toList()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(db.scalar("select cpu_ns from metering.usage_raw where zone = ? and seq = 3", zone)).isEqualTo(first.get(2).cpuNanos());
        assertThat(db.scalar("select cpu_ns from metering.usage_raw where zone = ? and seq = 6", zone)).isEqualTo(second.get(3).cpuNanos());
    }

    private static void assertRefused(Http.Response r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        assertThat(r.json().get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).contains(messagePart);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void badInputIsRefusedWithItsReasonAndNothingOfItIsStored() {
        String url = metering.url("/v1/usage");
        UUID zone = UUID.randomUUID();
        List<UsageRecord> good = records(new ZoneSim(zone, "tenant-bad", "small", 8), 3);
        UsageRecord g = good.get(2);

        assertRefused(Http.post(url, "{\"node\": \"n1\", \"records\": [ {"), 400, "InvalidArgument", "malformed usage batch JSON");
        assertRefused(Http.post(url, ""), 400, "InvalidArgument", "no body");
        assertRefused(Http.post(url, "{\"node\": \"n1\"}"), 400, "InvalidArgument", "records is missing");
        assertRefused(Http.post(url, "{\"records\": [{\"seq\": 1, \"tenant\": \"t\", \"timeMillis\": 1}]}"), 400, "InvalidArgument",
                "zone is missing");
        UsageRecord seq0 = new UsageRecord(zone, 0, "t", "n", "p", g.timeMillis(), 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, false);
        assertRefused(metering.send(List.of(good.get(0), seq0)), 400, "InvalidArgument", "seq must be 1 or more");
        UsageRecord negative = new UsageRecord(zone, 3, "t", "n", "p", g.timeMillis(), 1, -5, 1, 1, 1, 1, 1, 1, 1, 0, 0, false);
        assertRefused(metering.send(List.of(good.get(0), good.get(1), negative)), 400, "InvalidArgument", "cpuNanos must not be negative");
        assertRefused(Http.post(url, "{\"records\": [{\"zone\": \"not-a-uuid\", \"seq\": 1}]}"), 400, "InvalidArgument", "malformed");

        ZoneSim many = new ZoneSim(UUID.randomUUID(), "tenant-bad", "small", 9);
        assertRefused(metering.send(records(many, 10_001)), 400, "InvalidArgument", "at most 10000 records");

        byte[] huge = new byte[MAX_BODY + 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[0] = '[';
        huge[huge.length - 1] = ']';
        assertRefused(Http.post(url, huge), 413, "RequestTooLarge", "larger than");

        assertThat(rows(zone, many.zone)).as("a refused batch stores nothing, not even its good records").isZero();
        assertThat(metering.send(good).status()).isEqualTo(200);
        assertThat(rows(zone)).isEqualTo(3);
    }

    @Test
    void overlappingBatchesFromEightClientsAtOnceStoreEachRecordExactlyOnce() throws Exception {
        int zones = 40;
        List<ZoneSim> sims = new ArrayList<>();
        List<List<UsageRecord>> perZone = new ArrayList<>();
        for (int z = 0; z < zones; z++) {
            ZoneSim sim = new ZoneSim(UUID.randomUUID(), "tenant-concurrent", "small", 100 + z);
            sims.add(sim);
            perZone.add(records(sim, 110));
        }
        int clients = 8;
        CyclicBarrier go = new CyclicBarrier(clients);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    // client c sends seq 10c+1 .. 10c+40 of every zone, in 4 batches of 10 seq each, overlapping its neighbours
                    List<List<UsageRecord>> batches = new ArrayList<>();
                    for (int part = 0; part < 4; part++) {
                        List<UsageRecord> batch = new ArrayList<>();
                        for (List<UsageRecord> zone : perZone) {
                            int from = client * 10 + part * 10;
                            batch.addAll(zone.subList(from, Math.min(from + 10, zone.size())));
                        }
                        Collections.shuffle(batch, new Random(client * 31L + part));
                        batches.add(batch);
                    }
                    go.await();
                    int ok = 0;
                    for (List<UsageRecord> batch : batches) {
                        if (metering.send(batch).status() == 200) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertThat(f.get()).isEqualTo(4);
            }
        } finally {
            pool.shutdownNow();
        }
        UUID[] ids = sims.stream().map(s -> s.zone).toArray(UUID[]::new);
        for (UUID z : ids) {
            List<List<Object>> counts = db.query("select count(*), count(distinct seq), min(seq), max(seq) from metering.usage_raw where zone = ?", z);
            assertThat(counts.get(0).stream().map(o -> ((Number) o).longValue()).toList()).containsExactly(110L, 110L, 1L, 110L);
        }
        // and the roll-up counted each zone's usage once: the total is the last cumulative counter
        await().atMost(Duration.ofSeconds(15)).until(() -> allRolled(ids));
        for (int z = 0; z < zones; z++) {
            UsageRecord last = perZone.get(z).get(109);
            assertThat(db.scalar("select sum(cpu_ns) from metering.usage_minute where zone = ?", sims.get(z).zone)).isEqualTo(last.cpuNanos());
            assertThat(db.scalar("select sum(net_rx) from metering.usage_day where zone = ?", sims.get(z).zone)).isEqualTo(last.netRxBytes());
        }
    }

    /** Correctness at the scale of the benchmark (its speed is measured by bench/IngestBench, not here). */
    @Test
    void aThousandZonesFromTenNodesAtOnceAreStoredAndRolledUpExactly() throws Exception {
        // 1,000 zones on 10 nodes, each node sending one batch of its 100 zones per second of samples: 30 s of samples
        int nodes = 10;
        int zonesPerNode = 100;
        int seconds = 30;
        List<List<ZoneSim>> fleet = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            List<ZoneSim> zones = new ArrayList<>();
            for (int z = 0; z < zonesPerNode; z++) {
                zones.add(new ZoneSim(UUID.randomUUID(), "tenant-rate-" + (z % 20), "small", n * 1000L + z));
            }
            fleet.add(zones);
        }
        List<List<String>> bodies = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            List<String> perSecond = new ArrayList<>();
            for (int s = 0; s < seconds; s++) {
                Instant t = T0.plusSeconds(s);
                List<UsageRecord> batch = fleet.get(n).stream().map(z -> z.next(t, 1, true)).collect(Collectors.toList());
                perSecond.add(Json.write(new UsageBatch("node-" + n, batch)));
            }
            bodies.add(perSecond);
        }
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                List<String> mine = bodies.get(n);
                done.add(pool.submit(() -> {
                    for (String body : mine) {
                        Http.Response r = Http.post(metering.url("/v1/usage"), body);
                        if (r.status() != 200) {
                            throw new AssertionError(r.status() + " " + r.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        int total = nodes * zonesPerNode * seconds;
        UUID[] all = fleet.stream().flatMap(List::stream).map(z -> z.zone).toArray(UUID[]::new);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> db.scalar("select count(*) from metering.usage_raw where not rolled") == 0);
        assertThat(rows(all)).isEqualTo(total);
        long fedCpu = fleet.stream().flatMap(List::stream).mapToLong(z -> z.cpu).sum();
        assertThat(db.scalar("select sum(cpu_ns) from metering.usage_minute where account like 'tenant-rate-%'"))
                .as("every zone's minutes add up to its last counter").isEqualTo(fedCpu);
    }
}
