package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.coord.ZkPaths;
import io.gantry.common.usage.UsageRecord;
import io.gantry.metering.store.MeteringDatabase;
import io.gantry.metering.store.RollUpStore;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two metering instances on one ZooKeeper and one database: one rolls up, the other takes over, nothing counts twice. */
class LeadershipTest {
    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private TestDatabase db;
    private Vertx vertxA;
    private Vertx vertxB;
    private Instance a;
    private Instance b;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.create(true);
        vertxA = Vertx.vertx();
        vertxB = Vertx.vertx();
        TestClock clock = new TestClock(T0.plusSeconds(3600));
        a = Instance.start(vertxA, db.config(clock).withTick(Duration.ofMillis(200)).withInstanceId("metering-a"));
        b = Instance.start(vertxB, db.config(clock).withTick(Duration.ofMillis(200)).withInstanceId("metering-b"));
    }

    @AfterEach
    void stop() throws Exception {
        a.close();
        b.close();
        vertxA.close().toCompletionStage().toCompletableFuture().get();
        vertxB.close().toCompletionStage().toCompletableFuture().get();
    }

    private static double rolledUp(Instance i) {
        return i.registry.get("gantry.metering.rollup.records").counter().count();
    }

    private boolean nothingPending() {
        return db.scalar("select count(*) from metering.usage_raw where not rolled") == 0;
    }

    private void assertTotalsAreTheLastCounters(List<ZoneSim> zones, List<List<UsageRecord>> sent) {
        for (int z = 0; z < zones.size(); z++) {
            UsageRecord last = sent.get(z).get(sent.get(z).size() - 1);
            for (String table : List.of("usage_minute", "usage_hour", "usage_day")) {
                List<Long> sums = db.query("select sum(cpu_ns), sum(instance_ms), sum(net_tx), sum(disk_byte_seconds) from metering." + table
                        + " where zone = ?", zones.get(z).zone).get(0).stream().map(o -> ((Number) o).longValue()).toList();
                assertThat(sums).as(table + " of zone " + z).containsExactly(last.cpuNanos(), last.runningMillis(), last.netTxBytes(),
                        last.diskByteSeconds());
            }
        }
        double month = db.query("select sum(cpu_ns) from metering.usage_period where account = 'tenant-ha' and period = 'month'")
                .stream().mapToDouble(r -> ((Number) r.get(0)).doubleValue()).sum();
        long expected = 0;
        for (List<UsageRecord> s : sent) {
            expected += s.get(s.size() - 1).cpuNanos();
        }
        assertThat((long) month).as("the tenant's month").isEqualTo(expected);
    }

    @Test
    void onlyTheLeaderRollsUpAndTheOtherTakesOverWithoutCountingTwice() throws Exception {
        await().atMost(Duration.ofSeconds(15)).until(() -> a.service.isLeader() || b.service.isLeader());
        Instance leader = a.service.isLeader() ? a : b;
        Instance follower = leader == a ? b : a;
        assertThat(follower.service.isLeader()).isFalse();

        // both are registered where agents look for them
        CuratorFramework zk = leader.zk;
        assertThat(zk.getChildren().forPath(ZkPaths.METERING_ENDPOINTS)).contains("metering-a", "metering-b");
        assertThat(new String(zk.getData().forPath(ZkPaths.METERING_ENDPOINTS + "/" + follower.service.instanceId()), StandardCharsets.UTF_8))
                .isEqualTo(follower.service.baseUrl()).isEqualTo("http://127.0.0.1:" + follower.service.port());

        List<ZoneSim> zones = new ArrayList<>();
        List<List<UsageRecord>> all = new ArrayList<>();
        for (int z = 0; z < 5; z++) {
            ZoneSim sim = new ZoneSim(UUID.randomUUID(), "tenant-ha", "small", 40 + z);
            zones.add(sim);
            List<UsageRecord> records = new ArrayList<>();
            for (int s = 0; s < 240; s++) {
                records.add(sim.next(T0.plusSeconds(s), 1, true));
            }
            all.add(records);
        }
        // the first 120 s of records go to the follower, which stores them but leaves the roll-up to the leader
        List<List<UsageRecord>> firstHalf = new ArrayList<>();
        for (List<UsageRecord> records : all) {
            follower.ingest(records.subList(0, 120));
            firstHalf.add(records.subList(0, 120));
        }
        await().atMost(Duration.ofSeconds(10)).until(this::nothingPending);
        assertTotalsAreTheLastCounters(zones, firstHalf);
        assertThat(rolledUp(leader)).isEqualTo(600);
        assertThat(rolledUp(follower)).isZero();
        assertThat(Http.get(leader.url("/v1/ping")).json().get("leader").asBoolean()).isTrue();
        assertThat(Http.get(follower.url("/v1/ping")).json().get("leader").asBoolean()).isFalse();

        // the leader goes away; the follower takes over and carries on from the stored cursors
        String leaderId = leader.service.instanceId();
        leader.close();
        await().atMost(Duration.ofSeconds(15)).until(follower.service::isLeader);
        assertThat(follower.zk.getChildren().forPath(ZkPaths.METERING_ENDPOINTS)).doesNotContain(leaderId)
                .contains(follower.service.instanceId());
        for (List<UsageRecord> records : all) {
            follower.ingest(records.subList(60, 240)); // half of it a replay of what the old leader rolled up
        }
        await().atMost(Duration.ofSeconds(10)).until(this::nothingPending);
        assertTotalsAreTheLastCounters(zones, all);
        assertThat(rolledUp(follower)).as("only the new records were applied").isEqualTo(600);
    }

    @Test
    void rollUpsRacingEachOtherNeverApplyADeltaTwice() throws Exception {
        // two extra roll-ups besides the leader's, as when a leader that lost its session has not noticed yet
        Vertx side = Vertx.vertx();
        MeteringDatabase extra = MeteringDatabase.open(side, db.jdbcUrl, db.user, db.password, 4);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<Void>> racers = new ArrayList<>();
        try {
            RollUpStore store = new RollUpStore(extra);
            for (int r = 0; r < 2; r++) {
                Promise<Void> done = Promise.promise();
                racers.add(done.future());
                // each on a context of its own, as separate processes would be
                side.deployVerticle(new AbstractVerticle() {
                    @Override
                    public void start() {
                        race(store, running, done);
                    }
                });
            }
            List<ZoneSim> zones = new ArrayList<>();
            List<List<UsageRecord>> sent = new ArrayList<>();
            for (int z = 0; z < 8; z++) {
                ZoneSim sim = new ZoneSim(UUID.randomUUID(), "tenant-ha", "small", 60 + z);
                zones.add(sim);
                sent.add(new ArrayList<>());
            }
            for (int s = 0; s < 200; s++) {
                List<UsageRecord> batch = new ArrayList<>();
                for (int z = 0; z < zones.size(); z++) {
                    UsageRecord r = zones.get(z).next(T0.plusSeconds(s), 1, true);
                    sent.get(z).add(r);
                    batch.add(r);
                }
                (s % 2 == 0 ? a : b).ingest(batch);
            }
            await().atMost(Duration.ofSeconds(10)).until(this::nothingPending);
            running.set(false);
            for (Future<Void> f : racers) {
                f.toCompletionStage().toCompletableFuture().get();
            }
            assertTotalsAreTheLastCounters(zones, sent);
        } finally {
            running.set(false);
            extra.close();
            side.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static void race(RollUpStore store, AtomicBoolean running, Promise<Void> done) {
        if (!running.get()) {
            done.complete();
            return;
        }
        store.rollUp(7).whenComplete((r, e) -> {
            if (e != null) {
                done.fail(e);
            } else {
                race(store, running, done);
            }
        });
    }
}
