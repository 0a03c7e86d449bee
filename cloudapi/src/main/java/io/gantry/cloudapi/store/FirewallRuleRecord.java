package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A tenant's firewall rule, kept as Triton's rule text. */
@Entity
@Table(name = "fwrules")
public class FirewallRuleRecord {
    @Id
    public UUID id;
    @Column(name = "account_id")
    public UUID accountId;
    public String rule;
    public boolean enabled;
    public boolean global;
    public String description;
    public OffsetDateTime created;
    public OffsetDateTime updated;
}
