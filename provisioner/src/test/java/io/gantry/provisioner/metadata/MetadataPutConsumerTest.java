package io.gantry.provisioner.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.Json;
import io.gantry.common.coord.MetadataLimits;
import io.gantry.common.coord.MetadataPut;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Puts from zones ({@code mdata-put}, {@code mdata-delete}) on a real ZooKeeper and PostgreSQL: applied to the record
 * in sequence order and then removed, the platform's keys, oversized puts and puts for deleted machines dropped, and a
 * leader change halfway through a machine's puts loses and reorders none.
 */
class MetadataPutConsumerTest {
    private static final Duration WITHIN = Duration.ofSeconds(2);
    private static FreshDatabase db;
    private static CuratorFramework zk;
    private static MetadataPublisherTest.Rows rows;

    @BeforeAll
    static void start() throws Exception {
        db = TestPostgres.shared().freshDatabase("mdputs").migrate("classpath:db/migration");
        zk = CuratorFrameworkFactory.builder().connectString(TestZooKeeper.shared().connectString())
                .namespace("mdputs-" + UUID.randomUUID()).retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        zk.start();
        zk.blockUntilConnected();
        rows = new MetadataPublisherTest.Rows(db);
    }

    @AfterAll
    static void stop() {
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void putsAreAppliedInOrderThenRemovedAndBadOnesDropped() throws Exception {
        UUID m = rows.machine(rows.account(), "puts", "{}", "{\"keep\":\"me\",\"old\":\"x\"}");
        UUID deleted = rows.machine(rows.account(), "gone", "{}", "{}");
        rows.sql("update machines set state = 'deleted' where id = ?", deleted);
        try (MetadataPutConsumer consumer = consumer()) {
            long start = System.nanoTime();
            put(m, "color", "red");
            put(m, "color", "blue"); // same key: the later put wins
            put(m, "old", null); // mdata-delete
            put(m, "sdc:alias", "hijack");
            put(m, "big", "x".repeat(MetadataLimits.MAX_VALUE_BYTES + 1));
            put(deleted, "color", "red");
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> pending(m) == 0 && pending(deleted) == 0);
            System.out.printf("MetadataPutConsumerTest: 6 puts applied or dropped and removed in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(metadata(m)).isEqualTo(Map.of("keep", "me", "color", "blue"));
            assertThat(metadata(deleted)).as("a deleted machine's metadata is not changed").isEmpty();
        }
    }

    @Test
    void aLeaderChangeHalfwayLosesAndReordersNoPut() throws Exception {
        UUID m = rows.machine(rows.account(), "failover", "{}", "{}");
        String first = put(m, "step", "1");
        String second = put(m, "step", "2");
        String third = put(m, "other", "3");
        // the old leader applied and committed the first put, then died before it removed the znode
        Stat stat = new Stat();
        byte[] data = zk.getData().storingStatIn(stat).forPath(first);
        long firstZxid = stat.getCzxid();
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertThat(new PutApplier().apply(c, m, read(data), firstZxid)).isEqualTo(PutApplier.Outcome.APPLIED);
        }
        assertThat(metadata(m)).isEqualTo(Map.of("step", "1"));
        assertThat(pending(m)).isEqualTo(3);

        try (MetadataPutConsumer newLeader = consumer()) {
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> pending(m) == 0);
        }
        assertThat(metadata(m)).isEqualTo(Map.of("step", "2", "other", "3"));

        // the deposed leader wakes up and applies the first put late: it does not undo the second
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            assertThat(new PutApplier().apply(c, m, read(data), firstZxid)).isEqualTo(PutApplier.Outcome.ALREADY_APPLIED);
        }
        assertThat(metadata(m)).isEqualTo(Map.of("step", "2", "other", "3"));
        assertThat(zk.checkExists().forPath(second)).isNull();
        assertThat(zk.checkExists().forPath(third)).isNull();
    }

    @Test
    void putsWrittenWhileNoLeaderRanAreAppliedByTheNextOne() throws Exception {
        UUID m = rows.machine(rows.account(), "later", "{}", "{}");
        for (int i = 0; i < 20; i++) {
            put(m, "counter", Integer.toString(i));
        }
        try (MetadataPutConsumer consumer = consumer()) {
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> pending(m) == 0);
        }
        assertThat(metadata(m)).isEqualTo(Map.of("counter", "19"));
    }

    @Test
    void anUnreadablePutIsDroppedAndDoesNotHoldUpTheNext() throws Exception {
        UUID m = rows.machine(rows.account(), "junk", "{}", "{}");
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZkPaths.metadataPuts(m) + "/put-", "not json".getBytes(StandardCharsets.UTF_8));
        put(m, "after", "junk");
        try (MetadataPutConsumer consumer = consumer()) {
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> pending(m) == 0);
        }
        assertThat(metadata(m)).isEqualTo(Map.of("after", "junk"));
    }

    private static MetadataPutConsumer consumer() {
        MetadataPutConsumer consumer = new MetadataPutConsumer(zk, db.jdbcUrl(), db.user(), db.password());
        consumer.start();
        return consumer;
    }

    /** Writes a put as the agent does; its path. */
    private static String put(UUID machine, String key, String value) throws Exception {
        MetadataPut put = new MetadataPut(machine, key, value, "node-a", Instant.now());
        return zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZkPaths.metadataPuts(machine) + "/put-", Json.write(put).getBytes(StandardCharsets.UTF_8));
    }

    private static MetadataPut read(byte[] data) {
        return Json.read(new String(data, StandardCharsets.UTF_8), MetadataPut.class);
    }

    private static int pending(UUID machine) throws Exception {
        try {
            return zk.getChildren().forPath(ZkPaths.metadataPuts(machine)).size();
        } catch (KeeperException.NoNodeException e) {
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(UUID machine) throws Exception {
        return Json.read(rows.metadata(machine), Map.class);
    }
}
