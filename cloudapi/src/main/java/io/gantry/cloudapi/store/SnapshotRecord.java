package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant's snapshot of a machine's disk ({@code unique (machine_id, name)}). {@code state}: queued until its node
 * has taken it, then created or failed; deleting until its node has removed it (then the row is gone).
 */
@Entity
@Table(name = "machine_snapshots")
public class SnapshotRecord {
    public static final String QUEUED = "queued";
    public static final String CREATED = "created";
    public static final String FAILED = "failed";
    public static final String DELETING = "deleting";

    @Id
    public UUID id;
    @Column(name = "machine_id")
    public UUID machineId;
    public String name;
    public String state;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    public OffsetDateTime created;
    public OffsetDateTime updated;
}
