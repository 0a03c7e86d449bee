package io.gantry.provisioner.netview;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gantry.common.Json;
import io.gantry.common.firewall.FirewallCompiler;
import io.gantry.common.net.TenantNetView;
import io.gantry.common.net.TenantNetView.NicPlacement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds one account's {@link TenantNetView} from the record, in one read-only snapshot so the view carries exactly the
 * generation of the rows it shows: the NICs of its placed, non-deleted machines (NICs being removed left out) and every
 * non-deleted machine's firewall, compiled from the account's and the global rules.
 */
public final class NetViewReader {
    private static final String GENERATION = "select coalesce(g.generation, 0) from accounts a"
            + " left join netview_generations g on g.account_id = a.id where a.id = ?";
    private static final String MACHINES = "select id, compute_node, tags::text, firewall_enabled, ip from machines"
            + " where account_id = ? and state <> 'deleted' order by created, id";
    private static final String NICS = "select n.machine_id, n.mac, n.ip, n.network_id, w.vni from nics n"
            + " join networks w on w.id = n.network_id where n.account_id = ? and n.state <> 'removing'"
            + " order by n.machine_id, n.primary_nic desc, n.created, n.mac";
    private static final String RULES = "select id, rule, enabled from fwrules where (account_id = ? or global) and enabled"
            + " order by created, id";

    private final Clock clock;

    public NetViewReader(Clock clock) {
        this.clock = clock;
    }

    /** The account's view, or empty when there is no such account. Commits or rolls back its own transaction on {@code c}. */
    public Optional<TenantNetView> read(Connection c, UUID account) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        try {
            Optional<TenantNetView> view = readIn(c, account);
            c.commit();
            return view;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setReadOnly(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(autoCommit);
        }
    }

    private Optional<TenantNetView> readIn(Connection c, UUID account) throws SQLException {
        long generation;
        try (PreparedStatement st = c.prepareStatement(GENERATION)) {
            st.setObject(1, account);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                generation = rs.getLong(1);
            }
        }
        record Row(UUID id, String node, Map<String, Object> tags, boolean firewall, String ip) {
        }
        Map<UUID, Row> machines = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement(MACHINES)) {
            st.setObject(1, account);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    machines.put(id, new Row(id, rs.getString(2), tags(rs.getString(3)), rs.getBoolean(4), rs.getString(5)));
                }
            }
        }
        List<NicPlacement> placed = new ArrayList<>();
        Map<UUID, List<String>> ips = new LinkedHashMap<>();
        try (PreparedStatement st = c.prepareStatement(NICS)) {
            st.setObject(1, account);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Row m = machines.get(rs.getObject(1, UUID.class));
                    if (m == null) {
                        continue; // the machine is deleted
                    }
                    ips.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(rs.getString(3));
                    if (m.node() != null) {
                        placed.add(new NicPlacement(m.id(), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                                rs.getObject(5, Integer.class), m.node()));
                    }
                }
            }
        }
        List<FirewallCompiler.Rule> rules = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(RULES)) {
            st.setObject(1, account);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rules.add(new FirewallCompiler.Rule(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        List<FirewallCompiler.Machine> compiled = machines.values().stream()
                .map(m -> new FirewallCompiler.Machine(m.id(), ips.getOrDefault(m.id(), m.ip() == null ? List.of() : List.of(m.ip())),
                        m.tags(), m.firewall()))
                .toList();
        return Optional.of(new TenantNetView(account, generation, placed, FirewallCompiler.compile(compiled, rules), clock.instant()));
    }

    private static Map<String, Object> tags(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> tags = Json.mapper().readValue(json, new TypeReference<Map<String, Object>>() {
            });
            Map<String, Object> out = new LinkedHashMap<>();
            tags.forEach((k, v) -> out.put(k, v == null ? "" : v)); // Map.copyOf refuses null values
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("corrupt tags JSON in the record: " + json, e);
        }
    }
}
