package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Work the provisioner does on one machine; its id is also the id of the task the node runs. */
@Entity
@Table(name = "jobs")
public class JobRecord {
    @Id
    public UUID id;
    @Column(name = "machine_id")
    public UUID machineId;
    public String action;
    public String params;
    public String state;
    public String node;
    public String error;
    public String caller;
    public OffsetDateTime created;
    public OffsetDateTime updated;
}
