package io.gantry.cloudapi.store;

import io.gantry.common.Package;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnTransformer;
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
    /** The traits a node must have to take a machine of this package (JSON object; jsonb in the table, read and written as text). */
    @ColumnTransformer(read = "cast(traits as text)", write = "cast(cast(? as text) as jsonb)")
    public String traits;
    /** False once an operator deprecated it (Triton's active=false): hidden from tenants, refused for new machines and resizes. */
    public boolean active = true;

    /** The package as zones get it; a row whose sizes are out of their range (written by hand) is an InvalidArgument. */
    public Package toPackage() {
        return new Package(name, memory, swap, vcpus, cpuCap, lwps, disk);
    }
}
