package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A size a tenant can pick for a machine; sizes in MiB as Triton packages give them. */
@Entity
@Table(name = "packages")
public class PackageRecord {
    @Id
    public UUID id;
    public String name;
    public long memory;
    public long swap;
    public long disk;
    public int vcpus;
    @Column(name = "cpu_cap")
    public int cpuCap;
    public int lwps;
    public String version;
    @Column(name = "pkg_group")
    public String group;
    public String description;
    @Column(name = "is_default")
    public boolean isDefault;
}
