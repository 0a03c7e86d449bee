package io.gantry.cloudapi.fuzz;

import io.gantry.cloudapi.Seed;
import io.gantry.cloudapi.auth.LocalIssuer;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * The accounts a fuzz run plays with, on a running cloud API: tenants A and B, each with two
 * registered keys (RSA, ECDSA), machines in several states with tags and metadata, and firewall
 * rules, all named with random tokens so any of them showing up in another tenant's answer is
 * unmistakable. Reads the record over JDBC to take a digest of each tenant's rows, and can settle
 * open jobs as a provisioner would (no provisioner runs here). An operator O signs the operator routes
 * ({@code /ops/...}); the accounts it may change are its own throwaway ones ({@link #victims}), never A's or B's.
 */
public final class FuzzWorld implements AutoCloseable {
    private static final String[] TABLES_BY_ACCOUNT = {
            "select string_agg(t::text, '|' order by t::text) from accounts t where id = ?",
            "select string_agg(t::text, '|' order by t::text) from account_keys t where account_id = ?",
            "select string_agg(t::text, '|' order by t::text) from machines t where account_id = ?",
            "select string_agg(t::text, '|' order by t::text) from jobs t where machine_id in (select id from machines where account_id = ?)",
            "select string_agg(t::text, '|' order by t::text) from audit t where machine_id in (select id from machines where account_id = ?)",
            "select string_agg(t::text, '|' order by t::text) from fwrules t where account_id = ?",
            "select string_agg(t::text, '|' order by t::text) from provision_limits t where account_id = ?",
            "select string_agg(t::text, '|' order by t::text) from networks t where owner_account = ?",
            "select string_agg(t::text, '|' order by t::text) from fabric_vlans t where account_id = ?",
            "select string_agg(t::text, '|' order by t::text) from nics t where account_id = ?",
            "select string_agg(t::text, '|' order by t::text) from machine_snapshots t where machine_id in"
                    + " (select id from machines where account_id = ?)"};
    /** Machines an account may hold at once, so that a long run's creates do not grow every list without end. */
    static final int MACHINE_LIMIT = 12;

    final Tenant a;
    final Tenant b;
    final Tenant operator;
    /** Logins of accounts the operator created (some disabled or deleted since): what its changes may aim at. */
    final List<String> victims = new ArrayList<>();
    /** Public keys the operator gives the accounts it creates. */
    private final List<String> victimKeys = new ArrayList<>();
    final List<String> packages = new ArrayList<>();
    final List<String> images = new ArrayList<>();
    final List<String> networks = new ArrayList<>();
    final RawHttp http;
    /** The issuer whose bearer tokens the API takes besides signatures, or null: signed requests only. */
    final LocalIssuer bearer;
    final String host;
    final int port;
    private final Connection jdbc;
    private final PreparedStatement tenantDigest;
    private final Random random;

    private FuzzWorld(String host, int port, DatabaseConfig db, Random random, LocalIssuer bearer) throws Exception {
        this.bearer = bearer;
        this.host = host;
        this.port = port;
        this.random = random;
        this.http = new RawHttp(host, port, 10_000);
        this.jdbc = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        StringBuilder sql = new StringBuilder("select ");
        for (int k = 0; k < 2; k++) {
            sql.append(k > 0 ? ", " : "").append("md5(concat_ws('#'");
            for (String t : TABLES_BY_ACCOUNT) {
                sql.append(", (").append(t).append(")");
            }
            sql.append("))");
        }
        this.tenantDigest = jdbc.prepareStatement(sql.toString());
        try (Statement st = jdbc.createStatement()) {
            collect(st, "select id, name from packages", packages);
            collect(st, "select id, name from images", images);
            collect(st, "select id, name from networks where owner_account is null", networks);
        }
        if (packages.isEmpty() || images.isEmpty()) {
            throw new IllegalStateException("the fuzz world needs a seeded catalogue (a package and an image)");
        }
        this.a = tenant("A", db, false);
        this.b = tenant("B", db, false);
        this.operator = tenant("O", db, true);
        KeyPairGenerator victimKeyGen = KeyPairGenerator.getInstance("EC");
        victimKeyGen.initialize(256);
        for (int i = 0; i < 3; i++) {
            victimKeys.add(PublicKeyEntry.toString(victimKeyGen.generateKeyPair().getPublic()));
        }
        topUpVictims();
        for (Tenant t : List.of(a, b)) {
            for (int i = 0; i < 3; i++) {
                createMachine(t);
            }
            for (int i = 0; i < 2; i++) {
                createRule(t);
            }
        }
        try (Statement st = jdbc.createStatement()) {
            // a spread of states, so that actions find machines they apply to
            for (Tenant t : List.of(a, b)) {
                st.executeUpdate("update jobs set state = '" + JobState.SUCCEEDED.wireName() + "' where machine_id in (select id from machines where account_id = '"
                        + t.accountId + "')");
                st.executeUpdate("update machines set state = 'running', compute_node = 'node-1' where id = '" + t.machines.get(0) + "'");
                st.executeUpdate("update machines set state = 'stopped', compute_node = 'node-1' where id = '" + t.machines.get(1) + "'");
            }
        }
    }

    /** Seeds tenants A and B on the cloud API at host:port, whose record is {@code db} (catalogue already seeded). */
    public static FuzzWorld create(String host, int port, DatabaseConfig db, long seed) throws Exception {
        return create(host, port, db, seed, null);
    }

    /**
     * As {@link #create(String, int, DatabaseConfig, long)}, on a cloud API that also takes {@code bearer}'s tokens: the
     * accounts are linked to subjects of that issuer, and a share of the requests carry a token instead of a signature.
     */
    public static FuzzWorld create(String host, int port, DatabaseConfig db, long seed, LocalIssuer bearer) throws Exception {
        return new FuzzWorld(host, port, db, new Random(seed ^ 0x5eedL), bearer);
    }

    /** A fresh valid access token of the tenant's person (the operator's with the operator role, which keeps it one). */
    String bearerToken(Tenant t) {
        return bearer.token(t.subject, t.login, t.operator ? new String[] {"operator"} : new String[0]);
    }

    public List<Tenant> tenants() {
        return List.of(a, b);
    }

    Tenant other(Tenant t) {
        return t == a ? b : a;
    }

    String token() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void collect(Statement st, String sql, List<String> into) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                into.add(rs.getString(1));
                into.add(rs.getString(2));
            }
        }
    }

    /** A key the operator may give an account it creates. */
    String victimKey() {
        return victimKeys.get(random.nextInt(victimKeys.size()));
    }

    /** Creates accounts through the operator routes until three of the operator's accounts are not deleted. */
    private void topUpVictims() {
        int live;
        try (Statement st = jdbc.createStatement(); ResultSet rs = st.executeQuery("select count(*) from accounts where deleted_at is null"
                + " and id not in ('" + a.accountId + "', '" + b.accountId + "', '" + operator.accountId + "')")) {
            rs.next();
            live = rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the record: " + e.getMessage(), e);
        }
        for (int i = live; i < 3; i++) {
            String login = "v" + token();
            signed(operator, "POST", "/ops/accounts", Map.of("login", login, "email", login + "@example.test", "key", victimKey()));
            victims.add(login);
        }
    }

    private Tenant tenant(String label, DatabaseConfig db, boolean isOperator) throws Exception {
        String login = "fz" + label.toLowerCase() + token();
        KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
        rsaGen.initialize(2048);
        KeyPair rsa = rsaGen.generateKeyPair();
        KeyPair forged = rsaGen.generateKeyPair();
        KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
        ecGen.initialize(256);
        KeyPair ec = ecGen.generateKeyPair();
        SshPublicKey rsaKey = SshPublicKey.parse(PublicKeyEntry.toString(rsa.getPublic()));
        SshPublicKey ecKey = SshPublicKey.parse(PublicKeyEntry.toString(ec.getPublic()));
        String email = "mail" + token() + "@example.test";
        String rsaName = "k" + token();
        String ecName = "e" + token();
        UUID id;
        try (Seed seed = new Seed(db)) {
            id = isOperator ? seed.operator(login, email) : seed.account(login, email);
            seed.key(id, rsaName, rsaKey);
            seed.key(id, ecName, ecKey);
            seed.limit(id, "count", MACHINE_LIMIT, null, null);
        }
        String subject = null;
        if (bearer != null) {
            subject = "fuzz-" + label.toLowerCase() + "-" + token();
            try (PreparedStatement link = jdbc.prepareStatement("update accounts set idp_issuer = ?, idp_subject = ? where id = ?")) {
                link.setString(1, bearer.issuer());
                link.setString(2, subject);
                link.setObject(3, id);
                link.executeUpdate();
            }
        }
        Tenant t = new Tenant(label, login, id,
                new Signer(login, rsaKey.md5Fingerprint(), "rsa-sha256", "SHA256withRSA", rsa),
                new Signer(login, ecKey.sha256Fingerprint(), "ecdsa-sha256", "SHA256withECDSA", ec),
                new Signer(login, rsaKey.md5Fingerprint(), "rsa-sha256", "SHA256withRSA", forged), isOperator);
        t.subject = subject;
        t.secret(subject);
        t.secret(email);
        for (String s : List.of(rsaName, ecName, rsaKey.md5Fingerprint(), rsaKey.sha256Fingerprint(), ecKey.md5Fingerprint(),
                ecKey.sha256Fingerprint())) {
            t.secret(s);
        }
        t.keyRefs.addAll(List.of(rsaName, ecName, rsaKey.md5Fingerprint(), ecKey.sha256Fingerprint()));
        // the sha256 fingerprints as base64 bodies too: a path or JSON may show them without the prefix
        t.secret(rsaKey.sha256Fingerprint().substring("SHA256:".length()));
        t.secret(ecKey.sha256Fingerprint().substring("SHA256:".length()));
        return t;
    }

    /** A signed request as the tenant (RSA, date only), for setting the world up. */
    RawHttp.Answer signed(Tenant t, String method, String path, Object body) {
        String date = Wire.now();
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Host", host + ":" + port});
        headers.add(new String[] {"Date", date});
        headers.add(new String[] {"Authorization", t.rsa.authorization(method, path, date, false)});
        headers.add(new String[] {"Connection", "close"});
        byte[] bytes = null;
        if (body != null) {
            bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
            headers.add(new String[] {"Content-Type", "application/json"});
            headers.add(new String[] {"Content-Length", Integer.toString(bytes.length)});
        }
        var outcome = http.send(Wire.request(method, path, headers, bytes), false, false);
        if (!(outcome instanceof RawHttp.Answer answer) || answer.status() / 100 != 2) {
            throw new IllegalStateException("setting up the fuzz world: " + method + " " + path + " answered " + outcome);
        }
        return answer;
    }

    @SuppressWarnings("unchecked")
    private void createMachine(Tenant t) {
        String name = "n" + token();
        String tagKey = "t" + token();
        String tagValue = "v" + token();
        String mdKey = "m" + token();
        String mdValue = "w" + token();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("image", images.get(0));
        body.put("package", packages.get(0));
        body.put("tags", Map.of(tagKey, tagValue));
        body.put("metadata", Map.of(mdKey, mdValue));
        Map<String, Object> m = Json.read(signed(t, "POST", "/my/machines", body).bodyText(), Map.class);
        String id = m.get("id").toString();
        t.machines.add(id);
        t.machineNames.add(name);
        t.tagKeys.add(tagKey);
        t.metadataKeys.add(mdKey);
        for (String s : List.of(id, name, tagKey, tagValue, mdKey, mdValue)) {
            t.secret(s);
        }
    }

    @SuppressWarnings("unchecked")
    private void createRule(Tenant t) {
        String description = "d" + token();
        String rule = "FROM vm " + t.machines.get(0) + " TO tag \"" + t.tagKeys.get(0) + "\" ALLOW tcp PORT " + (1000 + random.nextInt(9000));
        Map<String, Object> r = Json.read(signed(t, "POST", "/my/fwrules", Map.of("rule", rule, "description", description,
                "enabled", true)).bodyText(), Map.class);
        t.fwrules.add(r.get("id").toString());
        t.secret(r.get("id").toString());
        t.secret(description);
    }

    /**
     * A digest per tenant of every row of its own (account, keys, machines, their jobs and audit,
     * rules, limits), keyed by label, and under "shared" one of what belongs to neither.
     */
    public Map<String, String> digests() {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            int i = 1;
            for (Tenant t : tenants()) {
                for (int k = 0; k < TABLES_BY_ACCOUNT.length; k++) {
                    tenantDigest.setObject(i++, t.accountId);
                }
            }
            try (ResultSet rs = tenantDigest.executeQuery()) {
                rs.next();
                out.put(a.label, rs.getString(1));
                out.put(b.label, rs.getString(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the record: " + e.getMessage(), e);
        }
        out.put("shared", sharedDigest());
        return out;
    }

    /**
     * A digest of what belongs to no tenant of the world: the catalogue, other accounts (the operator's, those it
     * created) and their limits, orphan jobs and audit. Only an operator's accepted change may change it.
     */
    private String sharedDigest() {
        String sql = "select md5(concat_ws('#',"
                + " (select string_agg(t::text, '|' order by t::text) from packages t),"
                + " (select string_agg(t::text, '|' order by t::text) from images t),"
                + " (select string_agg(t::text, '|' order by t::text) from networks t where owner_account is null),"
                + " (select count(*) from accounts where id not in ('" + a.accountId + "', '" + b.accountId + "')),"
                + " (select count(*) from account_keys where account_id not in ('" + a.accountId + "', '" + b.accountId + "')),"
                + " (select count(*) from machines where account_id not in ('" + a.accountId + "', '" + b.accountId + "')),"
                + " (select count(*) from audit where machine_id not in (select id from machines)),"
                + " (select count(*) from fwrules where account_id not in ('" + a.accountId + "', '" + b.accountId + "')),"
                // what the operator routes change: the other accounts and their limits
                + " (select string_agg(t::text, '|' order by t::text) from accounts t where id not in ('" + a.accountId + "', '"
                + b.accountId + "')),"
                + " (select string_agg(t::text, '|' order by t::text) from provision_limits t where account_id not in ('" + a.accountId
                + "', '" + b.accountId + "'))))";
        try (Statement st = jdbc.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the record: " + e.getMessage(), e);
        }
    }

    /**
     * Ends every open job as the provisioner would on success (provision, start, reboot: running;
     * stop: stopped; delete: deleted; resize applied), drops finished jobs and audit rows so the
     * record stays small over a long run, and tops each tenant up to three live machines.
     */
    public void settle() {
        try (Statement st = jdbc.createStatement()) {
            st.executeUpdate("update machines m set state = case j.action when '" + JobKind.DELETE.wireName() + "' then 'deleted'"
                    + " when '" + JobKind.STOP.wireName() + "' then 'stopped' else 'running' end, resizing_from = null,"
                    + " compute_node = 'node-1', updated = now() from (select distinct on (machine_id) machine_id, action from jobs"
                    + " where state = '" + JobState.QUEUED.wireName() + "'"
                    + " order by machine_id, created desc) j where m.id = j.machine_id and m.state <> 'deleted'");
            st.executeUpdate("delete from jobs");
            st.executeUpdate("delete from audit");
            for (Tenant t : tenants()) {
                int live;
                try (ResultSet rs = st.executeQuery("select count(*) from machines where state <> 'deleted' and account_id = '"
                        + t.accountId + "'")) {
                    rs.next();
                    live = rs.getInt(1);
                }
                for (int i = live; i < 3; i++) {
                    createMachine(t);
                }
            }
            topUpVictims();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot settle the record: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws SQLException {
        tenantDigest.close();
        jdbc.close();
    }
}
