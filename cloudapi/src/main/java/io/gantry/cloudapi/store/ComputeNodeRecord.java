package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.DynamicUpdate;

/**
 * A compute node as the provisioner leader last saw it, and the operators' say over it. The cloud API writes only
 * {@code maintenance} and {@code retiredAt} (updates name only the columns they change: the rest is the provisioner's).
 */
@Entity
@Table(name = "compute_nodes")
@DynamicUpdate
public class ComputeNodeRecord {
    @Id
    public String name;
    public String address;
    public String backend;
    public long memory;
    public long disk;
    public int cpus;
    public String traits;
    @Column(name = "agent_version")
    public String agentVersion;
    @Column(name = "first_seen")
    public OffsetDateTime firstSeen;
    @Column(name = "last_heartbeat")
    public OffsetDateTime lastHeartbeat;
    public boolean alive;
    @Column(name = "reported_zones")
    public Integer reportedZones;
    public boolean maintenance;
    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;
}
