package io.gantry.cloudapi;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.DatabaseConfig;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.RequiredTraits;
import io.gantry.common.net.Ipv4;
import io.gantry.common.net.Ipv4Cidr;
import io.gantry.cloudapi.service.SubnetPlan;
import io.gantry.record.DefaultFabric;
import io.gantry.record.JdbcSql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Puts the operator's catalogue and accounts into the record: packages, images, networks, accounts
 * with a key and limits. Every call is idempotent (keyed by name), so `gantry dev` can run it at each
 * start. Blocking (JDBC): run it at start-up or from tests, never on an event loop.
 */
public final class Seed implements AutoCloseable {
    private final Connection db;

    public Seed(DatabaseConfig config) {
        try {
            this.db = DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database at " + config.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    /** Refuses (InvalidArgument) sizes out of their range, as {@link Package} states them, before anything is written. */
    public UUID pkg(String name, long memoryMiB, long diskMiB, int vcpus, int cpuCap, int lwps, String description, boolean isDefault) {
        new Package(name, memoryMiB, memoryMiB, vcpus, cpuCap, lwps, diskMiB);
        return upsert("select id from packages where name = ?", name,
                "insert into packages (id, name, memory, swap, disk, vcpus, cpu_cap, lwps, version, pkg_group, description, is_default)"
                        + " values (?, ?, ?, ?, ?, ?, ?, ?, '1.0.0', 'gantry', ?, ?)",
                name, memoryMiB, memoryMiB, diskMiB, vcpus, cpuCap, lwps, description, isDefault);
    }

    /**
     * The package, requiring {@code traits} of the node a machine of it goes on (Triton's form: a string, a boolean or
     * an array of those per trait); the traits are set even if the package existed before. Traits of another form are
     * an InvalidArgument, before anything is written.
     */
    public UUID pkg(String name, long memoryMiB, long diskMiB, int vcpus, int cpuCap, int lwps, String description, boolean isDefault,
                    Map<String, ?> traits) {
        String json = traitsJson(traits, "package " + name);
        UUID id = pkg(name, memoryMiB, diskMiB, vcpus, cpuCap, lwps, description, isDefault);
        execute("update packages set traits = cast(? as jsonb) where id = ?", json, id);
        return id;
    }

    /** The image (as {@link #image(String, String, String, String, String)}), requiring {@code traits} of its machines' nodes. */
    public UUID image(String name, String version, String os, String nodeImage, String description, Map<String, ?> traits) {
        String json = traitsJson(traits, "image " + name);
        UUID id = image(name, version, os, nodeImage, description);
        execute("update images set traits = cast(? as jsonb) where id = ?", json, id);
        return id;
    }

    private static String traitsJson(Map<String, ?> traits, String whose) {
        RequiredTraits.fromJson(traits, whose);
        return Json.write(traits == null ? Map.of() : traits);
    }

    /** The image, pointing at {@code nodeImage} (the sha256 id compute nodes know it by) even if it existed before. */
    public UUID image(String name, String version, String os, String nodeImage, String description) {
        UUID id = upsert("select id from images where owner_account is null and name = ? and version = '" + version.replace("'", "") + "'", name,
                "insert into images (id, name, version, os, type, state, public, published_at, description, node_image)"
                        + " values (?, ?, ?, ?, 'zone-dataset', 'active', true, ?, ?, ?)",
                name, version, os, Timestamp.from(Instant.now()), description, nodeImage);
        execute("update images set node_image = ? where id = ?", nodeImage, id);
        return id;
    }

    /**
     * A shared external network of the operator's (public, not a fabric; every account may put NICs on it): gateway the
     * subnet's first address, provision range its second to its last but one. A subnet that is not a /8 to /30 network
     * address is an InvalidArgument, before anything is written.
     */
    public UUID network(String name, String subnet, String description) {
        Ipv4Cidr cidr = Ipv4Cidr.parse(subnet);
        String gateway = Ipv4.format(cidr.network() + 1);
        new SubnetPlan(cidr, cidr.network() + 2, cidr.broadcast() - 1, cidr.network() + 1);
        return upsert("select id from networks where name = ? and owner_account is null", name,
                "insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip, description, nat, mtu)"
                        + " values (?, ?, true, false, ?, ?, ?, ?, ?, false, 1500)",
                name, cidr.toString(), gateway, Ipv4.format(cidr.network() + 2), Ipv4.format(cidr.broadcast() - 1), description);
    }

    public UUID account(String login, String email) {
        if ("ops".equals(login) || "my".equals(login)) {
            throw GantryException.invalid("login '" + login + "' is reserved: /" + login + "/... is not an account's path");
        }
        UUID id = upsert("select id from accounts where login = ?", login,
                "insert into accounts (id, login, email, created, updated) values (?, ?, ?, now(), now())", login, email);
        try {
            new DefaultFabric(new JdbcSql(db)).ensure(id).toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException("cannot make the default fabric of " + login + ": " + e.getCause().getMessage(), e.getCause());
        }
        return id;
    }

    /** An operator account: it signs with its keys as a tenant does and may also call the operator routes (/ops/...). */
    public UUID operator(String login, String email) {
        UUID id = account(login, email);
        execute("update accounts set operator = true where id = ?", id);
        return id;
    }

    /** Whether a login (whatever its case) is taken by an account that is not an operator, deleted ones included. */
    public boolean takenByTenant(String login) {
        try (PreparedStatement q = db.prepareStatement("select 1 from accounts where lower(login) = lower(?) and (not operator or deleted_at is not null)")) {
            q.setString(1, login);
            return q.executeQuery().next();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up account " + login + ": " + e.getMessage(), e);
        }
    }

    /** One entry of the operators' audit log ({@code gantry ops audit}), for what is done beside the cloud API. */
    public void audit(String operator, String action, String target) {
        execute("insert into ops_audit (time, operator, action, target, outcome) values (now(), ?, ?, ?, 'succeeded')", operator, action, target);
    }

    /** Registers the key for the account unless a key with its fingerprint is there already. */
    public void key(UUID account, String name, SshPublicKey key) {
        try (PreparedStatement q = db.prepareStatement("select 1 from account_keys where account_id = ? and fingerprint = ?")) {
            q.setObject(1, account);
            q.setString(2, key.md5Fingerprint());
            if (q.executeQuery().next()) {
                return;
            }
            execute("insert into account_keys (id, account_id, name, fingerprint, sha256, key_text, created) values (?, ?, ?, ?, ?, ?, now())",
                    UUID.randomUUID(), account, name, key.md5Fingerprint(), key.sha256Fingerprint(), key.text());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot register key: " + e.getMessage(), e);
        }
    }

    /** Sets one limit (by, check, check value) of the account, replacing the one with the same scope. */
    public void limit(UUID account, String by, long value, String check, String checkValue) {
        execute("delete from provision_limits where account_id = ? and by_what = ? and coalesce(check_what, '') = ? and coalesce(check_value, '') = ?",
                account, by, check == null ? "" : check, checkValue == null ? "" : checkValue);
        execute("insert into provision_limits (id, account_id, by_what, value, check_what, check_value) values (?, ?, ?, ?, ?, ?)",
                UUID.randomUUID(), account, by, value, check, checkValue);
    }

    private UUID upsert(String find, String key, String insert, Object... values) {
        try (PreparedStatement q = db.prepareStatement(find)) {
            q.setString(1, key);
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return rs.getObject(1, UUID.class);
                }
            }
            UUID id = UUID.randomUUID();
            Object[] withId = new Object[values.length + 1];
            withId[0] = id;
            System.arraycopy(values, 0, withId, 1, values.length);
            execute(insert, withId);
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot seed " + key + ": " + e.getMessage(), e);
        }
    }

    private void execute(String sql, Object... values) {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                st.setObject(i + 1, values[i]);
            }
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("seeding failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing a seeding connection cannot lose anything
        }
    }
}
