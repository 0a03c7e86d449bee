package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One entry of a machine's audit trail: who asked for what, and whether it worked. */
@Entity
@Table(name = "audit")
public class AuditRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "machine_id")
    public UUID machineId;
    public String action;
    public boolean success;
    public OffsetDateTime time;
    public String caller;
    public String params;
}
