package io.gantry.provisioner.netview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.coord.ZkPaths;
import io.gantry.common.net.NetViewCodec;
import io.gantry.common.net.TenantNetView;
import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.provisioner.publish.GenerationCas;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * The leader's view publisher on a real PostgreSQL (with the V15 triggers) and a real ZooKeeper: each kind of change
 * is in ZooKeeper within 1 s of its commit, generations only grow, and a stale writer cannot overwrite a newer view.
 */
class NetViewPublisherTest {
    private static final Duration WITHIN = Duration.ofSeconds(1);
    private static FreshDatabase db;
    private static CuratorFramework zk;
    private static NetViewPublisher publisher;

    @BeforeAll
    static void start() throws Exception {
        db = TestPostgres.shared().freshDatabase("netview").migrate("classpath:db/migration");
        zk = CuratorFrameworkFactory.builder().connectString(TestZooKeeper.shared().connectString())
                .namespace("netview-" + UUID.randomUUID()).retryPolicy(new ExponentialBackoffRetry(100, 3)).build();
        zk.start();
        zk.blockUntilConnected();
        publisher = new NetViewPublisher(zk, db.jdbcUrl(), db.user(), db.password());
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
    void everyKindOfChangeIsInZooKeeperWithinOneSecondAndGenerationsOnlyGrow() throws Exception {
        UUID account = account();
        UUID network = fabric(account, 4100 + (int) (Math.random() * 100000));
        UUID web = machine(account, "node-a", "{\"role\":\"web\"}", true);
        nic(web, account, network, "192.168.128.5");
        List<Long> generations = new ArrayList<>();
        List<Long> delays = new ArrayList<>();

        measure(account, generations, delays, "machine placed with a NIC", () -> {
        }, v -> v.nics().size() == 1 && v.nics().get(0).node().equals("node-a") && v.nics().get(0).vni() != null);

        UUID rule = UUID.randomUUID();
        measure(account, generations, delays, "rule created", () -> sql("insert into fwrules (id, account_id, rule, enabled, created, updated)"
                + " values (?, ?, 'FROM any TO tag role = web ALLOW tcp PORT 80', true, now(), now())", rule, account),
                v -> entries(v, web).stream().anyMatch(e -> rule.equals(e.rule()) && e.direction() == Direction.IN && e.anyPeer()));

        UUID db2 = machine(account, "node-b", "{\"role\":\"db\"}", true);
        measure(account, generations, delays, "machine created", () -> nic(db2, account, network, "192.168.128.6"),
                v -> v.nics().stream().anyMatch(n -> n.machine().equals(db2) && n.node().equals("node-b")));

        UUID fromWeb = UUID.randomUUID();
        measure(account, generations, delays, "rule naming a tag on the FROM side", () -> sql("insert into fwrules"
                        + " (id, account_id, rule, enabled, created, updated) values (?, ?, 'FROM tag role = web TO tag role = db"
                        + " ALLOW tcp PORT 5432', true, now(), now())", fromWeb, account),
                v -> entries(v, db2).stream().anyMatch(e -> fromWeb.equals(e.rule()) && e.peers().equals(List.of("192.168.128.5"))));

        measure(account, generations, delays, "tag set", () -> sql("update machines set tags = '{\"role\":\"db\"}'::jsonb where id = ?", web),
                v -> entries(v, web).stream().noneMatch(e -> rule.equals(e.rule())));

        measure(account, generations, delays, "firewall disabled", () -> sql("update machines set firewall_enabled = false where id = ?", db2),
                v -> !firewall(v, db2).enabled() && firewall(v, db2).rules().isEmpty());

        measure(account, generations, delays, "firewall enabled", () -> sql("update machines set firewall_enabled = true where id = ?", db2),
                v -> firewall(v, db2).enabled());

        measure(account, generations, delays, "rule disabled", () -> sql("update fwrules set enabled = false where id = ?", fromWeb),
                v -> entries(v, db2).stream().noneMatch(e -> fromWeb.equals(e.rule())));

        measure(account, generations, delays, "rule updated and enabled", () -> sql("update fwrules set enabled = true,"
                        + " rule = 'FROM any TO all vms BLOCK udp PORT 53' where id = ?", fromWeb),
                v -> entries(v, db2).stream().anyMatch(e -> fromWeb.equals(e.rule()) && !e.allow() && e.protocol().equals("udp")));

        measure(account, generations, delays, "rule deleted", () -> sql("delete from fwrules where id = ?", fromWeb),
                v -> entries(v, db2).stream().noneMatch(e -> fromWeb.equals(e.rule())));

        UUID other = account();
        UUID global = UUID.randomUUID();
        measure(account, generations, delays, "global rule of another account", () -> sql("insert into fwrules (id, account_id, rule,"
                        + " enabled, global, created, updated) values (?, ?, 'FROM any TO all vms ALLOW icmp TYPE 8', true, true, now(), now())",
                global, other),
                v -> entries(v, web).stream().anyMatch(e -> global.equals(e.rule())));

        measure(account, generations, delays, "machine deleted", () -> sql("update machines set state = 'deleted' where id = ?", db2),
                v -> v.nics().stream().noneMatch(n -> n.machine().equals(db2)) && v.firewalls().stream().noneMatch(f -> f.machine().equals(db2)));

        assertThat(generations).as("generations in ZooKeeper, change after change").isSorted().doesNotHaveDuplicates();
        System.out.printf("NetViewPublisherTest: commit -> view in ZooKeeper, ms per change: %s%n", delays);
    }

    @Test
    void aStaleWriterCannotReplaceANewerView() throws Exception {
        UUID account = account();
        machine(account, "node-a", "{}", true);
        await().atMost(WITHIN).until(() -> view(account) != null);
        NetViewWriter writer = new NetViewWriter(zk);
        TenantNetView newer = new TenantNetView(account, 1_000_000, List.of(), List.of(), Instant.now());
        assertThat(writer.write(newer)).isEqualTo(GenerationCas.Outcome.WRITTEN);
        TenantNetView stale = new TenantNetView(account, 999_999, List.of(), List.of(), Instant.now());
        assertThat(writer.write(stale)).isEqualTo(GenerationCas.Outcome.NOT_NEWER);
        assertThat(writer.write(newer)).as("an equal generation is not newer").isEqualTo(GenerationCas.Outcome.NOT_NEWER);
        long before = generation(account);
        sql("update accounts set email = 'x@example.com' where id = ?", account);
        assertThat(generation(account)).as("a change the view does not show gives no new generation").isEqualTo(before);
        machine(account, "node-a", "{}", false); // a real change, but the record's generation is far below 1,000,000
        try (Connection c = db.connect()) {
            TenantNetView fromRecord = new NetViewReader(Clock.systemUTC()).read(c, account).orElseThrow();
            assertThat(fromRecord.generation()).isGreaterThan(before).isLessThan(1_000_000);
            assertThat(writer.write(fromRecord)).isEqualTo(GenerationCas.Outcome.NOT_NEWER);
        }
        assertThat(view(account).generation()).as("the record's older view did not replace it").isEqualTo(1_000_000);
    }

    @Test
    void aNewLeadersSweepPublishesWhatChangedWhileNoOneListened() throws Exception {
        UUID account = account();
        machine(account, "node-c", "{}", false);
        await().atMost(WITHIN).until(() -> view(account) != null);
        publisher.close();
        boolean restarted = false;
        try {
            UUID m = machine(account, "node-c", "{}", true);
            long generation = generation(account);
            assertThat(view(account).generation()).as("nobody published it").isLessThan(generation);
            publisher = new NetViewPublisher(zk, db.jdbcUrl(), db.user(), db.password());
            long start = System.nanoTime();
            publisher.start();
            restarted = true;
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> view(account).generation() == generation);
            System.out.printf("NetViewPublisherTest: a new publisher's first sweep took %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(view(account).firewalls()).extracting(MachineFirewall::machine).contains(m);
        } finally {
            if (!restarted) {
                publisher = new NetViewPublisher(zk, db.jdbcUrl(), db.user(), db.password());
                publisher.start();
            }
        }
    }

    @Test
    void bumpingTheGenerationTakesNoLockInTheCloudApisOrder() throws Exception {
        UUID account = account();
        UUID m = machine(account, "node-a", "{}", true);
        // the cloud API: account FOR UPDATE, then the machine; the provisioner: the machine, then (at commit) the bump
        try (Connection api = db.connect(); Connection provisioner = db.connect()) {
            api.setAutoCommit(false);
            provisioner.setAutoCommit(false);
            exec(api, "select id from accounts where id = ? for update", account);
            exec(provisioner, "update machines set state = 'stopped' where id = ?", m);
            var apiUpdate = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    exec(api, "update machines set tags = '{\"a\":\"b\"}'::jsonb where id = ?", m); // waits for the provisioner
                    api.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long before = generation(account);
            provisioner.commit(); // a row-trigger bump of the account row would deadlock with apiUpdate here
            apiUpdate.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(generation(account)).as("two commits, two bumps").isGreaterThanOrEqualTo(before + 2);
        }
    }

    private static void exec(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            st.execute();
        }
    }

    private interface Change {
        void run() throws Exception;
    }

    private void measure(UUID account, List<Long> generations, List<Long> delays, String what, Change change,
                         Predicate<TenantNetView> shows) throws Exception {
        change.run();
        long committed = System.nanoTime();
        long generation = generation(account);
        await(what).atMost(WITHIN).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    TenantNetView v = view(account);
                    return v != null && v.generation() >= generation && shows.test(v);
                });
        delays.add((System.nanoTime() - committed) / 1_000_000);
        generations.add(view(account).generation());
    }

    private static List<FirewallEntry> entries(TenantNetView v, UUID machine) {
        return firewall(v, machine).rules();
    }

    private static MachineFirewall firewall(TenantNetView v, UUID machine) {
        return v.firewalls().stream().filter(f -> f.machine().equals(machine)).findFirst()
                .orElse(new MachineFirewall(machine, false, List.of()));
    }

    private static TenantNetView view(UUID account) throws Exception {
        try {
            return NetViewCodec.decode(zk.getData().forPath(ZkPaths.netview(account)));
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    private static long generation(UUID account) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "select coalesce((select generation from netview_generations where account_id = ?), 0)")) {
            st.setObject(1, account);
            var rs = st.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    private static UUID account() throws SQLException {
        UUID id = UUID.randomUUID();
        sql("insert into accounts (id, login, email, created, updated) values (?, ?, 'a@example.com', now(), now())", id, "t" + id);
        return id;
    }

    private static UUID fabric(UUID account, int vni) throws SQLException {
        UUID id = UUID.randomUUID();
        sql("insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip, owner_account,"
                + " vlan_id, vni) values (?, 'My-Fabric-Network', false, true, '192.168.128.0/22', '192.168.128.1', '192.168.128.5',"
                + " '192.168.131.250', ?, 2, ?)", id, account, vni);
        return id;
    }

    private static UUID machine(UUID account, String node, String tags, boolean firewall) throws SQLException {
        UUID id = UUID.randomUUID();
        sql("insert into machines (id, account_id, name, state, brand, image_id, image_name, os, package_id, package_name, memory,"
                + " swap, disk, vcpus, cpu_cap, lwps, compute_node, networks, tags, metadata, affinity, firewall_enabled,"
                + " deletion_protection, created, updated) values (?, ?, ?, 'running', 'joyent', ?, 'busybox', 'linux', ?, 'small',"
                + " 128, 256, 1024, 1, 100, 100, ?, '[]', ?::jsonb, '{}', '[]', ?, false, now(), now())",
                id, account, "m" + id.toString().substring(0, 8), UUID.randomUUID(), UUID.randomUUID(), node, tags, firewall);
        return id;
    }

    private static void nic(UUID machine, UUID account, UUID network, String ip) throws SQLException {
        String mac = String.format("02:00:%02x:%02x:%02x:%02x", (int) (Math.random() * 256), (int) (Math.random() * 256),
                (int) (Math.random() * 256), (int) (Math.random() * 256));
        sql("insert into nics (mac, machine_id, account_id, network_id, ip, primary_nic, state, created)"
                + " values (?, ?, ?, ?, ?, true, 'running', now())", mac, machine, account, network, ip);
    }

    private static void sql(String sql, Object... values) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            st.executeUpdate();
        }
    }
}
