package io.gantry.bench.net;

import io.gantry.common.firewall.FirewallCompiler;
import io.gantry.provisioner.netview.NetViewPublisher;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import io.gantry.testkit.TestZooKeeper;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;

/**
 * The control plane's part of a rule change, for real: an embedded PostgreSQL with Gantry's migrations (V15's
 * triggers notify every change of an account's view), a ZooKeeper, and the provisioner leader's
 * {@link NetViewPublisher}. Holds one account with a fabric network, a client and a firewalled server machine with
 * their NICs, and the bench's rules in {@code fwrules}; a rule change is an update committed to that table.
 */
final class RecordedFirewall implements AutoCloseable {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final FreshDatabase db;
    private final CuratorFramework zk;
    final UUID account = UUID.randomUUID();
    private Connection changes;

    RecordedFirewall() throws Exception {
        try {
            TestPostgres pg = TestPostgres.start(Map.of());
            started.push(pg);
            db = pg.freshDatabase("fwbench").migrate("classpath:db/migration");
            TestZooKeeper zkServer = TestZooKeeper.start(Files.createTempDirectory("gantry-fwbench-zk"));
            started.push(zkServer);
            zk = zkServer.newClient();
            started.push(zk);
            NetViewPublisher publisher = new NetViewPublisher(zk, db.jdbcUrl(), db.user(), db.password());
            publisher.start();
            started.push(publisher);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    CuratorFramework zk() {
        return zk;
    }

    /** The account, its fabric network, the two machines (only the server firewalled) with their NICs, the rules. */
    void populate(UUID server, String serverIp, UUID client, String clientIp, List<FirewallCompiler.Rule> rules) throws SQLException {
        sql("insert into accounts (id, login, email, created, updated) values (?, ?, 'bench@example.com', now(), now())",
                account, "fwbench" + account.toString().substring(0, 8));
        UUID network = UUID.randomUUID();
        sql("insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip, owner_account,"
                + " vlan_id, vni) values (?, 'My-Fabric-Network', false, true, '192.168.128.0/22', '192.168.128.1', '192.168.128.5',"
                + " '192.168.131.250', ?, 2, 4096)", network, account);
        machine(server, true);
        machine(client, false);
        nic(server, network, serverIp, "02:00:00:00:00:02");
        nic(client, network, clientIp, "02:00:00:00:00:01");
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(
                "insert into fwrules (id, account_id, rule, enabled, created, updated) values (?, ?, ?, ?, now(), now())")) {
            for (FirewallCompiler.Rule r : rules) {
                st.setObject(1, r.id());
                st.setObject(2, account);
                st.setString(3, r.text());
                st.setBoolean(4, r.enabled());
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    /** Enables or disables one rule, committed when this returns (on a connection kept open for it). */
    void setEnabled(UUID rule, boolean enabled) throws SQLException {
        if (changes == null) {
            changes = db.connect();
            started.push(changes);
        }
        try (PreparedStatement st = changes.prepareStatement("update fwrules set enabled = ?, updated = now() where id = ?")) {
            st.setBoolean(1, enabled);
            st.setObject(2, rule);
            st.executeUpdate();
        }
    }

    private void machine(UUID id, boolean firewall) throws SQLException {
        sql("insert into machines (id, account_id, name, state, brand, image_id, image_name, os, package_id, package_name, memory,"
                + " swap, disk, vcpus, cpu_cap, lwps, compute_node, networks, tags, metadata, affinity, firewall_enabled,"
                + " deletion_protection, created, updated) values (?, ?, ?, 'running', 'joyent', ?, 'busybox', 'linux', ?, 'small',"
                + " 128, 256, 1024, 1, 100, 100, 'bench-node', '[]', '{}'::jsonb, '{}', '[]', ?, false, now(), now())",
                id, account, "m" + id.toString().substring(0, 8), UUID.randomUUID(), UUID.randomUUID(), firewall);
    }

    private void nic(UUID machine, UUID network, String ip, String mac) throws SQLException {
        sql("insert into nics (mac, machine_id, account_id, network_id, ip, primary_nic, state, created)"
                + " values (?, ?, ?, ?, ?, true, 'running', now())", mac, machine, account, network, ip);
    }

    private void sql(String sql, Object... values) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            st.executeUpdate();
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println("[bench] stopping " + e.getMessage());
            }
        }
    }
}
