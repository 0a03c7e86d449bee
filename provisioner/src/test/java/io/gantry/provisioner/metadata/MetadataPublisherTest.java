package io.gantry.provisioner.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.provisioner.publish.GenerationCas;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leader's metadata publisher on a real PostgreSQL (with the V16 triggers) and a real ZooKeeper: each change a
 * zone would see is in {@code /gantry/metadata/<machine>} within 1 s of its commit with a larger generation, a stale
 * writer cannot overwrite a newer view, and a deleted machine's znode goes.
 */
class MetadataPublisherTest {
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static FreshDatabase db;
    private static CuratorFramework zk;
    private static MetadataPublisher publisher;

    @BeforeAll
    static void start() throws Exception {
        db = TestPostgres.shared().freshDatabase("metadata").migrate("classpath:db/migration");
        zk = CuratorFrameworkFactory.builder().connectString(TestZooKeeper.shared().connectString())
                .namespace("metadata-" + UUID.randomUUID()).retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        zk.start();
        zk.blockUntilConnected();
        publisher = new MetadataPublisher(zk, db.jdbcUrl(), db.user(), db.password());
        publisher.start();
    }

    @AfterAll
    static void stop() {
        if (publisher != null) {
            publisher.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    @Test
    void everyChangeAZoneSeesIsInZooKeeperWithinOneSecondAndGenerationsOnlyGrow() throws Exception {
        Rows rows = new Rows(db);
        UUID account = rows.account();
        UUID network = rows.network("[\"8.8.8.8\"]");
        UUID m = rows.machine(account, "web-1", "{\"role\":\"web\"}", "{\"user-script\":\"#!/bin/sh\\necho hi\"}");
        rows.nic(m, account, network, "10.1.0.5");
        List<Long> generations = new ArrayList<>();
        List<Long> delays = new ArrayList<>();

        measure(m, generations, delays, "created", () -> {
        }, v -> v.alias().equals("web-1") && v.customerMetadata().get("user-script").equals("#!/bin/sh\necho hi")
                && v.tags().equals(Map.of("role", "web")) && v.ownerUuid().equals(account) && v.owner().equals("t" + account)
                && v.resolvers().equals(List.of("8.8.8.8")));
        measure(m, generations, delays, "metadata set", () -> rows.sql("update machines set metadata = ? where id = ?",
                "{\"user-script\":\"#!/bin/sh\\necho hi\",\"color\":\"blue\"}", m), v -> "blue".equals(v.customerMetadata().get("color")));
        measure(m, generations, delays, "metadata replaced", () -> rows.sql("update machines set metadata = ? where id = ?",
                "{\"user-data\":\"x=1\",\"n\":42}", m),
                v -> v.customerMetadata().equals(Map.of("user-data", "x=1", "n", "42")));
        measure(m, generations, delays, "metadata key deleted", () -> rows.sql("update machines set metadata = ? where id = ?",
                "{\"n\":42}", m), v -> v.customerMetadata().equals(Map.of("n", "42")));
        measure(m, generations, delays, "tags", () -> rows.sql("update machines set tags = '{\"role\":\"db\",\"tier\":2}'::jsonb"
                + " where id = ?", m), v -> v.tags().equals(Map.of("role", "db", "tier", 2)));
        measure(m, generations, delays, "renamed", () -> rows.sql("update machines set name = 'web-2' where id = ?", m),
                v -> v.alias().equals("web-2"));
        measure(m, generations, delays, "resolvers of its network", () -> rows.sql("update networks set resolvers ="
                + " '[\"1.1.1.1\",\"9.9.9.9\"]' where id = ?", network), v -> v.resolvers().equals(List.of("1.1.1.1", "9.9.9.9")));
        measure(m, generations, delays, "owner's login", () -> rows.sql("update accounts set login = ? where id = ?",
                "renamed-" + account, account), v -> v.owner().equals("renamed-" + account));

        long before = rows.generation(m);
        rows.sql("update machines set state = 'stopped', compute_node = 'node-x' where id = ?", m);
        assertThat(rows.generation(m)).as("a change no zone sees gives no new generation").isEqualTo(before);

        long deleting = System.nanoTime();
        rows.sql("update machines set state = 'deleted' where id = ?", m);
        await("deleted machine's znode removed").atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> view(m) == null);
        delays.add((System.nanoTime() - deleting) / 1_000_000);

        assertThat(generations).as("generations in ZooKeeper, change after change").isSorted().doesNotHaveDuplicates();
        System.out.printf("MetadataPublisherTest: commit -> metadata in ZooKeeper, ms per change (last: removal): %s%n", delays);
    }

    @Test
    void aStaleWriterCannotReplaceNewerMetadata() throws Exception {
        Rows rows = new Rows(db);
        UUID m = rows.machine(rows.account(), "cas", "{}", "{}");
        await().atMost(WITHIN).until(() -> view(m) != null);
        MetadataWriter writer = new MetadataWriter(zk);
        ZoneMetadata newer = new ZoneMetadata(m, 1_000_000, "newer", null, null, Map.of(), Map.of(), List.of(), List.of());
        assertThat(writer.write(newer)).isEqualTo(GenerationCas.Outcome.WRITTEN);
        ZoneMetadata stale = new ZoneMetadata(m, 999_999, "stale", null, null, Map.of(), Map.of(), List.of(), List.of());
        assertThat(writer.write(stale)).isEqualTo(GenerationCas.Outcome.NOT_NEWER);
        assertThat(writer.write(newer)).as("an equal generation is not newer").isEqualTo(GenerationCas.Outcome.NOT_NEWER);

        rows.sql("update machines set name = 'cas-2' where id = ?", m); // a real change, far below generation 1,000,000
        try (Connection c = db.connect()) {
            ZoneMetadata fromRecord = new MetadataReader().read(c, m).orElseThrow();
            assertThat(fromRecord.alias()).isEqualTo("cas-2");
            assertThat(writer.write(fromRecord)).isEqualTo(GenerationCas.Outcome.NOT_NEWER);
        }
        Thread.sleep(300); // the publisher has had its notification
        assertThat(view(m).alias()).as("the record's older view did not replace it").isEqualTo("newer");
        assertThat(view(m).generation()).isEqualTo(1_000_000);
    }

    @Test
    void metadataTooLargeForAZnodeIsRefusedAndTheOldOneKept() throws Exception {
        Rows rows = new Rows(db);
        UUID m = rows.machine(rows.account(), "huge", "{}", "{}");
        await().atMost(WITHIN).until(() -> view(m) != null);
        // 400 KiB of control characters: within MetadataLimits, but six bytes each once escaped in JSON
        ZoneMetadata huge = new ZoneMetadata(m, 2_000_000, "huge", null, null, Map.of("k", "\u0001".repeat(400 * 1024)), Map.of(),
                List.of(), List.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MetadataWriter(zk).write(huge))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("more than a znode takes");
        assertThat(view(m).generation()).isLessThan(2_000_000);
    }

    @Test
    void aNewLeadersSweepPublishesWhatChangedWhileNoOneListenedAndRemovesWhatIsGone() throws Exception {
        Rows rows = new Rows(db);
        UUID account = rows.account();
        UUID kept = rows.machine(account, "kept", "{}", "{}");
        UUID gone = rows.machine(account, "gone", "{}", "{}");
        await().atMost(WITHIN).until(() -> view(kept) != null && view(gone) != null);
        publisher.close();
        boolean restarted = false;
        try {
            rows.sql("update machines set metadata = '{\"k\":\"while nobody listened\"}' where id = ?", kept);
            rows.sql("update machines set state = 'deleted' where id = ?", gone);
            UUID fresh = rows.machine(account, "fresh", "{}", "{}");
            Thread.sleep(200);
            assertThat(view(kept).customerMetadata()).as("nobody published it").isEmpty();
            assertThat(view(fresh)).isNull();
            publisher = new MetadataPublisher(zk, db.jdbcUrl(), db.user(), db.password());
            long start = System.nanoTime();
            publisher.start();
            restarted = true;
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5)).until(() -> view(fresh) != null
                    && view(gone) == null && "while nobody listened".equals(view(kept).customerMetadata().get("k")));
            System.out.printf("MetadataPublisherTest: a new publisher's first sweep took %d ms%n", (System.nanoTime() - start) / 1_000_000);
        } finally {
            if (!restarted) {
                publisher = new MetadataPublisher(zk, db.jdbcUrl(), db.user(), db.password());
                publisher.start();
            }
        }
    }

    private interface Change {
        void run() throws Exception;
    }

    private void measure(UUID machine, List<Long> generations, List<Long> delays, String what, Change change,
                         Predicate<ZoneMetadata> shows) throws Exception {
        change.run();
        long committed = System.nanoTime();
        long generation = new Rows(db).generation(machine);
        await(what).atMost(WITHIN).pollInterval(Duration.ofMillis(5)).until(() -> {
            ZoneMetadata v = view(machine);
            return v != null && v.generation() >= generation && shows.test(v);
        });
        delays.add((System.nanoTime() - committed) / 1_000_000);
        generations.add(view(machine).generation());
    }

    static ZoneMetadata view(UUID machine) throws Exception {
        return view(zk, machine);
    }

    static ZoneMetadata view(CuratorFramework zk, UUID machine) throws Exception {
        try {
            return Json.read(new String(zk.getData().forPath(ZkPaths.metadata(machine)), StandardCharsets.UTF_8), ZoneMetadata.class);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    /** Rows written as the cloud API and the provisioner write them. */
    record Rows(FreshDatabase db) {
        UUID account() throws SQLException {
            UUID id = UUID.randomUUID();
            sql("insert into accounts (id, login, email, created, updated) values (?, ?, 'a@example.com', now(), now())", id, "t" + id);
            return id;
        }

        UUID network(String resolvers) throws SQLException {
            UUID id = UUID.randomUUID();
            int octet = (int) (Math.random() * 250);
            sql("insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip, resolvers)"
                    + " values (?, ?, true, false, ?, ?, ?, ?, ?)", id, "net-" + id, "10." + octet + ".0.0/24", "10." + octet + ".0.1",
                    "10." + octet + ".0.5", "10." + octet + ".0.250", resolvers);
            return id;
        }

        UUID machine(UUID account, String name, String tags, String metadata) throws SQLException {
            UUID id = UUID.randomUUID();
            sql("insert into machines (id, account_id, name, state, brand, image_id, image_name, os, package_id, package_name, memory,"
                    + " swap, disk, vcpus, cpu_cap, lwps, compute_node, networks, tags, metadata, affinity, firewall_enabled,"
                    + " deletion_protection, created, updated) values (?, ?, ?, 'running', 'joyent', ?, 'busybox', 'linux', ?, 'small',"
                    + " 128, 256, 1024, 1, 100, 100, 'node-a', '[]', ?::jsonb, ?, '[]', false, false, now(), now())",
                    id, account, name, UUID.randomUUID(), UUID.randomUUID(), tags, metadata);
            return id;
        }

        void nic(UUID machine, UUID account, UUID network, String ip) throws SQLException {
            String mac = String.format("02:00:%02x:%02x:%02x:%02x", (int) (Math.random() * 256), (int) (Math.random() * 256),
                    (int) (Math.random() * 256), (int) (Math.random() * 256));
            sql("insert into nics (mac, machine_id, account_id, network_id, ip, primary_nic, state, created)"
                    + " values (?, ?, ?, ?, ?, true, 'running', now())", mac, machine, account, network, ip);
        }

        String metadata(UUID machine) throws SQLException {
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement("select metadata from machines where id = ?")) {
                st.setObject(1, machine);
                var rs = st.executeQuery();
                rs.next();
                return rs.getString(1);
            }
        }

        long generation(UUID machine) throws SQLException {
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                    "select coalesce((select generation from metadata_generations where machine_id = ?), 0)")) {
                st.setObject(1, machine);
                var rs = st.executeQuery();
                rs.next();
                return rs.getLong(1);
            }
        }

        void sql(String sql, Object... values) throws SQLException {
            try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
                for (int i = 0; i < values.length; i++) {
                    st.setObject(i + 1, values[i]);
                }
                st.executeUpdate();
            }
        }
    }
}
