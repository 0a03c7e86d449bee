package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.Formula;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant's machine: what was asked for (package sizes, tags, metadata, affinity) and what was last
 * observed (state, compute node, address). Tags, metadata, networks and affinity are JSON text here; in the
 * table tags are jsonb (list filters query them), the others text.
 *
 * <p>An update writes only the columns it changed: a flow that loaded machines without their row lock (an operator's
 * disable or drain, which only set the state) must not write back a {@code metadata} that the provisioner changed
 * meanwhile (a zone's {@code mdata-put}), nor any other column someone else owns.
 */
@Entity
@Table(name = "machines")
@DynamicUpdate
public class MachineRecord {
    @Id
    public UUID id;
    @Column(name = "account_id")
    public UUID accountId;
    public String name;
    public String state;
    public String brand;
    @Column(name = "image_id")
    public UUID imageId;
    @Column(name = "image_name")
    public String imageName;
    public String os;
    @Column(name = "package_id")
    public UUID packageId;
    @Column(name = "package_name")
    public String packageName;
    /** While a resize is under way, the package the zone still runs with (what the API shows); else null. */
    @Column(name = "resizing_from")
    public String resizingFrom;
    public long memory;
    public long swap;
    public long disk;
    public int vcpus;
    @Column(name = "cpu_cap")
    public int cpuCap;
    public int lwps;
    @Column(name = "compute_node")
    public String computeNode;
    public String ip;
    public String error;
    public String networks;
    // jsonb read and written as text: the Vert.x client would bind a String to a jsonb parameter as a JSON string
    @ColumnTransformer(read = "cast(tags as text)", write = "cast(cast(? as text) as jsonb)")
    public String tags;
    public String metadata;
    public String affinity;
    /** The traits its node must have: its image's and package's, merged when it was created (JSON object; jsonb). */
    @ColumnTransformer(read = "cast(traits as text)", write = "cast(cast(? as text) as jsonb)")
    public String traits;
    /** Every NIC's address, primary first, comma-separated (empty: none); read with the row, never written. */
    @Formula("(select string_agg(n.ip, ',' order by n.primary_nic desc, n.created, n.mac) from nics n where n.machine_id = id)")
    public String nicIps;
    /** Every NIC's network id, in the same order. */
    @Formula("(select string_agg(cast(n.network_id as text), ',' order by n.primary_nic desc, n.created, n.mac) from nics n"
            + " where n.machine_id = id)")
    public String nicNetworks;
    @Column(name = "firewall_enabled")
    public boolean firewallEnabled;
    @Column(name = "deletion_protection")
    public boolean deletionProtection;
    public OffsetDateTime created;
    public OffsetDateTime updated;
}
