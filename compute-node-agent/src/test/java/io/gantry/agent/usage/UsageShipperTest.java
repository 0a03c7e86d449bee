package io.gantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageRecord;
import io.gantry.testkit.TestZooKeeper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipper against JDK HTTP servers on 127.0.0.1 standing in for metering, journal entries from SYNTHETIC zones. */
class UsageShipperTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Set<UUID>> ended = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private UsageJournal journalWith(SyntheticZones zones, int ticks, List<UsageEntry> into) {
        UsageJournal journal = closeLater(UsageJournal.open(tmp.resolve("usage")));
        for (int i = 0; i < ticks; i++) {
            List<UsageEntry> tick = zones.tick();
            journal.append(tick);
            into.addAll(tick);
        }
        return journal;
    }

    private UsageShipper ship(UsageJournal journal, MeteringEndpoints endpoints, int batch) {
        return ship(journal, endpoints, new UsageShipper.Options(batch, Duration.ofMillis(200), Duration.ofMillis(50),
                Duration.ofMillis(400), Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    /** Ships every {@code interval}, backing off from {@code backoff} doubling to 30 s, as the defaults do from 1 s. */
    private UsageShipper ship(UsageJournal journal, MeteringEndpoints endpoints, Duration interval, Duration backoff) {
        return ship(journal, endpoints, new UsageShipper.Options(100, interval, backoff, Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(5)));
    }

    private UsageShipper ship(UsageJournal journal, MeteringEndpoints endpoints, UsageShipper.Options options) {
        UsageShipper shipper = new UsageShipper("n1", journal, endpoints, options, ended::add);
        closeLater(shipper);
        shipper.start();
        return shipper;
    }

    private static Set<String> keys(List<UsageEntry> entries) {
        Set<String> keys = new HashSet<>();
        entries.forEach(e -> keys.add(e.record().key()));
        return keys;
    }

    /** Within each zone, the acknowledged through-seqs only grow, and no record was acknowledged twice. */
    private static void assertAckedOnceInOrder(FakeMetering metering, int expected) {
        List<UsageRecord> acked = new ArrayList<>(metering.ackedRecords);
        assertThat(acked).extracting(UsageRecord::key).doesNotHaveDuplicates().hasSize(expected);
        Map<UUID, Long> last = new HashMap<>();
        for (UsageAck ack : new ArrayList<>(metering.acks)) {
            for (UsageAck.Stored s : ack.acked()) {
                Long before = last.put(s.zone(), s.through());
                if (before != null) {
                    assertThat(s.through()).isGreaterThan(before);
                }
            }
        }
    }

    @Test
    void shipsEveryEntryInBatchesAndAppliesTheAcks() throws Exception {
        FakeMetering metering = closeLater(FakeMetering.start());
        List<UsageEntry> all = new ArrayList<>();
        UsageJournal journal = journalWith(new SyntheticZones(3), 20, all);
        long t0 = System.nanoTime();
        UsageShipper shipper = ship(journal, MeteringEndpoints.fixed(List.of(metering.base())), 7);

        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("full batches follow each other at once")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(metering.stored.keySet()).isEqualTo(keys(all));
        for (UsageEntry e : all) {
            assertThat(metering.stored.get(e.record().key())).isEqualTo(e.record());
        }
        assertThat(metering.requests.get()).isEqualTo((60 + 6) / 7);
        // the journal takes an ack before the shipper counts it: the count may trail the backlog by a moment
        await().atMost(WAIT).untilAsserted(() -> assertThat(shipper.recordsAcked()).isEqualTo(60));
        assertThat(shipper.shipFailures()).isZero();
        assertThat(journal.unacked(100)).isEmpty();
        assertAckedOnceInOrder(metering, 60);
        assertThat(metering.requests.get()).as("nothing more to send").isEqualTo((60 + 6) / 7);
    }

    @Test
    void afterA503ItRetriesAndLosesAndRepeatsNothing() throws Exception {
        FakeMetering metering = closeLater(FakeMetering.start());
        metering.failNext.set(3);
        List<UsageEntry> all = new ArrayList<>();
        UsageJournal journal = journalWith(new SyntheticZones(2), 10, all);
        UsageShipper shipper = ship(journal, MeteringEndpoints.fixed(List.of(metering.base())), 6);

        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(shipper.shipFailures()).isEqualTo(3);
        assertThat(metering.stored.keySet()).isEqualTo(keys(all));
        assertAckedOnceInOrder(metering, 20);
        // the journal takes an ack before the shipper counts it: the count may trail the backlog by a moment
        await().atMost(WAIT).untilAsserted(() -> assertThat(shipper.recordsAcked()).isEqualTo(20));
        assertThat(shipper.recordsShipped()).as("the refused batch was sent 4 times").isEqualTo(3 * 6 + 20);
    }

    @Test
    void failsOverToAnotherEndpoint() throws Exception {
        FakeMetering broken = closeLater(FakeMetering.start());
        broken.broken = true;
        FakeMetering good = closeLater(FakeMetering.start());
        URI nobody = URI.create("http://127.0.0.1:" + freePort()); // nothing listens: connection refused
        List<UsageEntry> all = new ArrayList<>();
        SyntheticZones zones = new SyntheticZones(2);
        UsageJournal journal = journalWith(zones, 10, all);
        UsageShipper shipper = ship(journal, MeteringEndpoints.fixed(List.of(nobody, broken.base(), good.base())), 5);

        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(good.stored.keySet()).isEqualTo(keys(all));
        assertThat(broken.stored).isEmpty();
        assertThat(shipper.currentEndpoint()).isEqualTo(good.base());
        assertThat(shipper.shipFailures()).as("a failing endpoint is skipped within one attempt").isZero();
        assertAckedOnceInOrder(good, 20);

        // the good one breaks: the rest goes nowhere until it is back, and nothing is lost
        good.broken = true;
        List<UsageEntry> later = zones.ticks(3);
        journal.append(later);
        await().atMost(WAIT).until(() -> shipper.shipFailures() >= 2);
        assertThat(journal.backlog()).isEqualTo(6);
        good.broken = false;
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(good.stored.keySet()).containsAll(keys(later));
    }

    @Test
    void neverAppliesAnAckBeyondWhatTheBatchHeld() throws Exception {
        FakeMetering metering = closeLater(FakeMetering.start());
        metering.ackBeyond = 1000;
        List<UsageEntry> all = new ArrayList<>();
        SyntheticZones zones = new SyntheticZones(1);
        UsageJournal journal = journalWith(zones, 4, all);
        ship(journal, MeteringEndpoints.fixed(List.of(metering.base())), 100);
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(journal.acked(zones.zones.get(0))).isEqualTo(4);
        journal.append(zones.tick());
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(metering.stored).containsKey(zones.zones.get(0) + "/5");
    }

    @Test
    void tellsWhichZonesEndedOnceTheirFinalRecordIsAcknowledged() throws Exception {
        FakeMetering metering = closeLater(FakeMetering.start());
        List<UsageEntry> all = new ArrayList<>();
        SyntheticZones zones = new SyntheticZones(2);
        UsageJournal journal = journalWith(zones, 3, all);
        UUID gone = zones.zones.get(1);
        UsageEntry end = zones.meter.measureFinal(gone, 1_900_000_000_000L).orElseThrow();
        journal.append(List.of(end));
        ship(journal, MeteringEndpoints.fixed(List.of(metering.base())), 100);
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(ended).containsExactly(Set.of(gone));
        assertThat(metering.stored.get(gone + "/4").last()).isTrue();
    }

    @Test
    void aRecordMeteringRefusesIsSetAsideAndEveryOtherShipsOnceInOrderInBatchesItAccepts() throws Exception {
        FakeMetering metering = closeLater(FakeMetering.start());
        metering.maxRecords = 4;
        List<UsageEntry> all = new ArrayList<>();
        SyntheticZones zones = new SyntheticZones(3);
        UsageJournal journal = journalWith(zones, 12, all);
        UsageRecord bad = all.get(16).record(); // the second zone's 6th record
        metering.invalid.add(bad.key());
        UsageShipper shipper = ship(journal, MeteringEndpoints.fixed(List.of(metering.base())), 16);

        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        Set<String> others = keys(all);
        others.remove(bad.key());
        assertThat(metering.stored.keySet()).isEqualTo(others);
        assertAckedOnceInOrder(metering, 35);
        for (UUID zone : zones.zones) {
            assertThat(metering.ackedRecords.stream().filter(r -> r.zone().equals(zone)).map(UsageRecord::seq).toList())
                    .as("zone %s arrives in seq order", zone).isSorted().doesNotHaveDuplicates();
        }
        assertThat(metering.refusedTooLarge.get()).as("16 was too many: halved").isPositive();
        assertThat(metering.refusedInvalid.get()).isPositive();
        assertThat(journal.acked(bad.zone())).as("acknowledged locally, past the refused record").isEqualTo(12);
        assertThat(shipper.recordsRejected()).isEqualTo(1);
        assertThat(shipper.recordsAcked()).isEqualTo(35);
        assertThat(shipper.shipFailures()).as("refusals are no outage").isZero();

        List<String> lines = Files.readAllLines(journal.dir().resolve(UsageShipper.REJECTED_FILE));
        assertThat(lines).hasSize(1);
        JsonNode line = Json.read(lines.get(0), JsonNode.class);
        assertThat(Json.mapper().treeToValue(line.get("record"), UsageRecord.class)).isEqualTo(bad);
        assertThat(line.get("error").asText()).contains("seq " + bad.seq()).contains("cpuNanos must not be negative");
        assertThat(line.get("node").asText()).isEqualTo("n1");
    }

    @Test
    void a400ThatIsNotMeteringsVerdictIsRetriedAndNothingIsSetAside() throws Exception {
        FakeMetering metering = closeLater(FakeMetering.start());
        metering.plain400 = true;
        List<UsageEntry> all = new ArrayList<>();
        UsageJournal journal = journalWith(new SyntheticZones(2), 3, all);
        UsageShipper shipper = ship(journal, MeteringEndpoints.fixed(List.of(metering.base())), 100);
        await().atMost(WAIT).until(() -> shipper.shipFailures() >= 2);
        assertThat(journal.backlog()).isEqualTo(6);
        assertThat(shipper.recordsRejected()).isZero();
        assertThat(journal.dir().resolve(UsageShipper.REJECTED_FILE)).doesNotExist();
        metering.plain400 = false;
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(metering.stored.keySet()).isEqualTo(keys(all));
    }

    @Test
    void findsMeteringInZooKeeperAndFollowsItWhenItMoves() throws Exception {
        TestZooKeeper zk = closeLater(TestZooKeeper.start(tmp.resolve("zk")));
        CuratorFramework registrar = closeLater(zk.newClient());
        CuratorFramework agent = closeLater(zk.newClient());
        FakeMetering first = closeLater(FakeMetering.start());
        FakeMetering second = closeLater(FakeMetering.start());
        ZkMeteringEndpoints endpoints = closeLater(ZkMeteringEndpoints.start(agent));
        Thread.sleep(300);
        assertThat(endpoints.current()).as("nothing registered yet (the path does not even exist)").isEmpty();
        register(registrar, "m-1", first.base().toString());
        register(registrar, "m-junk", "not a url");

        await().atMost(WAIT).until(() -> endpoints.current().equals(List.of(first.base())));

        List<UsageEntry> all = new ArrayList<>();
        SyntheticZones zones = new SyntheticZones(2);
        UsageJournal journal = journalWith(zones, 5, all);
        ship(journal, endpoints, 100);
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(first.stored.keySet()).isEqualTo(keys(all));

        // the first instance leaves, another registers: the next records go there
        registrar.delete().forPath(ZkPaths.METERING_ENDPOINTS + "/m-1");
        first.close();
        register(registrar, "m-2", second.base().toString());
        await().atMost(WAIT).until(() -> endpoints.current().equals(List.of(second.base())));
        List<UsageEntry> later = zones.ticks(3);
        journal.append(later);
        await().atMost(WAIT).until(() -> journal.backlog() == 0);
        assertThat(second.stored.keySet()).isEqualTo(keys(later));
    }

    @Test
    void usageFlowsWithinTwoSecondsOfMeteringsReturnHoweverLongTheOutage() throws Exception {
        FakeMetering before = FakeMetering.start();
        URI base = before.base();
        List<UsageEntry> all = new ArrayList<>();
        SyntheticZones zones = new SyntheticZones(2);
        UsageJournal journal = journalWith(zones, 3, all);
        // the defaults' timing: ship every second, back-off 1 s doubling to 30 s
        UsageShipper shipper = ship(journal, MeteringEndpoints.fixed(List.of(base)), Duration.ofSeconds(1), Duration.ofSeconds(1));
        await().atMost(WAIT).until(() -> journal.backlog() == 0);

        before.close(); // nothing listens there now: connections are refused
        long outageEnds = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (System.nanoTime() < outageEnds) { // long enough for a doubling back-off to wait 8 s and more
            journal.append(zones.tick());
            Thread.sleep(500);
        }
        assertThat(journal.backlog()).isPositive();
        assertThat(shipper.shipFailures()).as("an unreachable metering is tried every second, not with a growing back-off")
                .isGreaterThanOrEqualTo(8);

        FakeMetering back = closeLater(FakeMetering.startOn(base.getPort()));
        long t0 = System.nanoTime();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> journal.backlog() == 0);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.println("usage shipped " + took.toMillis() + " ms after metering came back");
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(back.stored).isNotEmpty();
    }

    @Test
    void aMeteringThatRegistersInDiscoveryEndsABackOffAtOnce() throws Exception {
        TestZooKeeper zk = closeLater(TestZooKeeper.start(tmp.resolve("zk")));
        CuratorFramework registrar = closeLater(zk.newClient());
        CuratorFramework agent = closeLater(zk.newClient());
        FakeMetering broken = closeLater(FakeMetering.start());
        broken.broken = true;
        FakeMetering good = closeLater(FakeMetering.start());
        ZkMeteringEndpoints endpoints = closeLater(ZkMeteringEndpoints.start(agent));
        register(registrar, "m-1", broken.base().toString());
        await().atMost(WAIT).until(() -> endpoints.current().equals(List.of(broken.base())));
        List<UsageEntry> all = new ArrayList<>();
        UsageJournal journal = journalWith(new SyntheticZones(2), 3, all);
        // a metering that answers with errors is backed off from: 5 s, then 10 s
        UsageShipper shipper = ship(journal, endpoints, Duration.ofSeconds(1), Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> shipper.shipFailures() >= 2);

        long t0 = System.nanoTime();
        register(registrar, "m-2", good.base().toString());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> journal.backlog() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no waiting out the back-off once a new instance registers")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(good.stored.keySet()).isEqualTo(keys(all));
        assertThat(shipper.shipFailures()).isEqualTo(2);
    }

    /** Registers a metering endpoint as metering does: an ephemeral node whose data is its base URL. */
    private static void register(CuratorFramework registrar, String instance, String url) throws Exception {
        registrar.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.METERING_ENDPOINTS + "/" + instance, url.getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
