package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.vertx.sqlclient.Row;

/**
 * The catalogue rows a create reads on a plain Vert.x connection ({@link MachineCreation}), as records read, not
 * managed: the SQL of each lookup and the record its row makes. An image carries only what a create uses of it.
 */
final class CatalogRows {
    private static final String IMAGE_COLUMNS = "id, name, version, os, state, public, owner_account, node_image,"
            + " cast(traits as text), cast(requirements as text)";

    private static final String PACKAGE_COLUMNS = "id, name, memory, swap, disk, vcpus, cpu_cap, lwps, version, pkg_group,"
            + " description, is_default, cast(traits as text), active";

    private static final String NETWORK_COLUMNS = "id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip,"
            + " description, owner_account, vlan_id, vni, nat, mtu, resolvers";

    /** $1 the image's id; held FOR SHARE until the transaction ends (see {@link MachineCreation#held}). */
    static final String IMAGE_BY_ID = "select " + IMAGE_COLUMNS + " from images where id = $1 for share";

    /** $1 its name, $2 the account: the active one first, then the newest; as {@link Lookups}' by-name lookup. */
    static final String IMAGE_BY_NAME = "select " + IMAGE_COLUMNS + " from images where name = $1 and (public = true or owner_account = $2)"
            + " order by case when state = 'active' then 0 else 1 end, published_at desc limit 1 for share";

    static final String PACKAGE_BY_ID = "select " + PACKAGE_COLUMNS + " from packages where id = $1 for share";

    static final String PACKAGE_BY_NAME = "select " + PACKAGE_COLUMNS + " from packages where name = $1 limit 1 for share";

    /** The networks $1 sees: its own and the shared external ones ({@link NetworkService#VISIBLE}). */
    static final String VISIBLE_NETWORKS = "select " + NETWORK_COLUMNS + " from networks"
            + " where owner_account = $1 or (owner_account is null and fabric = false) order by name";

    private CatalogRows() {
    }

    static ImageRecord image(Row row) {
        ImageRecord i = new ImageRecord();
        int c = 0;
        i.id = row.getUUID(c++);
        i.name = row.getString(c++);
        i.version = row.getString(c++);
        i.os = row.getString(c++);
        i.state = row.getString(c++);
        i.isPublic = row.getBoolean(c++);
        i.ownerAccount = row.getUUID(c++);
        i.nodeImage = row.getString(c++);
        i.traits = row.getString(c++);
        i.requirements = row.getString(c);
        return i;
    }

    static PackageRecord pkg(Row row) {
        PackageRecord p = new PackageRecord();
        int c = 0;
        p.id = row.getUUID(c++);
        p.name = row.getString(c++);
        p.memory = row.getLong(c++);
        p.swap = row.getLong(c++);
        p.disk = row.getLong(c++);
        p.vcpus = row.getInteger(c++);
        p.cpuCap = row.getInteger(c++);
        p.lwps = row.getInteger(c++);
        p.version = row.getString(c++);
        p.group = row.getString(c++);
        p.description = row.getString(c++);
        p.isDefault = row.getBoolean(c++);
        p.traits = row.getString(c++);
        p.active = row.getBoolean(c);
        return p;
    }

    static NetworkRecord network(Row row) {
        NetworkRecord n = new NetworkRecord();
        int c = 0;
        n.id = row.getUUID(c++);
        n.name = row.getString(c++);
        n.isPublic = row.getBoolean(c++);
        n.fabric = row.getBoolean(c++);
        n.subnet = row.getString(c++);
        n.gateway = row.getString(c++);
        n.provisionStartIp = row.getString(c++);
        n.provisionEndIp = row.getString(c++);
        n.description = row.getString(c++);
        n.ownerAccount = row.getUUID(c++);
        n.vlanId = row.getInteger(c++);
        n.vni = row.getInteger(c++);
        n.nat = row.getBoolean(c++);
        n.mtu = row.getInteger(c++);
        n.resolvers = row.getString(c);
        return n;
    }
}
