package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The hot read of one machine ({@code GET /:login/machines/:id}): one prepared statement on the Vert.x PostgreSQL
 * client, the row and its NICs' addresses in one round trip, mapped to the same {@link MachineRecord} that Hibernate
 * would load (the columns and {@code @Formula}s of that entity), without a session.
 */
public final class MachineReads {
    static final String SELECT = "select m.id, m.account_id, m.name, m.state, m.brand, m.image_id, m.image_name, m.os,"
            + " m.package_id, m.package_name, m.resizing_from, m.memory, m.swap, m.disk, m.vcpus, m.cpu_cap, m.lwps,"
            + " m.compute_node, m.ip, m.error, m.networks, cast(m.tags as text) as tags, m.metadata, m.affinity,"
            + " cast(m.traits as text) as traits,"
            + " (select string_agg(n.ip, ',' order by n.primary_nic desc, n.created, n.mac) from nics n where n.machine_id = m.id)"
            + " as nic_ips,"
            + " (select string_agg(cast(n.network_id as text), ',' order by n.primary_nic desc, n.created, n.mac) from nics n"
            + " where n.machine_id = m.id) as nic_networks,"
            + " m.firewall_enabled, m.deletion_protection, m.created, m.updated"
            + " from machines m where m.id = $1 and m.account_id = $2";

    private final Pool pool;

    public MachineReads(Pool pool) {
        this.pool = pool;
    }

    /** The caller's machine with this id; NotFound (as for another account's machine) when it has none. */
    public Future<MachineRecord> get(Caller caller, UUID id) {
        return pool.preparedQuery(SELECT).execute(Tuple.of(id, caller.account().id)).map((RowSet<Row> rows) -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                throw GantryException.notFound("machine " + id + " not found");
            }
            return record(it.next());
        });
    }

    static MachineRecord record(Row r) {
        MachineRecord m = new MachineRecord();
        m.id = r.getUUID("id");
        m.accountId = r.getUUID("account_id");
        m.name = r.getString("name");
        m.state = r.getString("state");
        m.brand = r.getString("brand");
        m.imageId = r.getUUID("image_id");
        m.imageName = r.getString("image_name");
        m.os = r.getString("os");
        m.packageId = r.getUUID("package_id");
        m.packageName = r.getString("package_name");
        m.resizingFrom = r.getString("resizing_from");
        m.memory = r.getLong("memory");
        m.swap = r.getLong("swap");
        m.disk = r.getLong("disk");
        m.vcpus = r.getInteger("vcpus");
        m.cpuCap = r.getInteger("cpu_cap");
        m.lwps = r.getInteger("lwps");
        m.computeNode = r.getString("compute_node");
        m.ip = r.getString("ip");
        m.error = r.getString("error");
        m.networks = r.getString("networks");
        m.tags = r.getString("tags");
        m.metadata = r.getString("metadata");
        m.affinity = r.getString("affinity");
        m.traits = r.getString("traits");
        m.nicIps = r.getString("nic_ips");
        m.nicNetworks = r.getString("nic_networks");
        m.firewallEnabled = r.getBoolean("firewall_enabled");
        m.deletionProtection = r.getBoolean("deletion_protection");
        m.created = r.getOffsetDateTime("created");
        m.updated = r.getOffsetDateTime("updated");
        return m;
    }
}
