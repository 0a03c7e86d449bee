package io.gantry.cloudapi.store;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * One operator action that changed (or tried to change) something: who, what, on what, when, and how it went
 * ({@code outcome}: {@code pending} until the change has ended, then {@code succeeded} or {@code failed}).
 */
@Entity
@Table(name = "ops_audit")
public class OpsAuditRecord {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public OffsetDateTime time;
    public String operator;
    public String action;
    public String target;
    public String params;
    public String outcome;
    public String error;
}
