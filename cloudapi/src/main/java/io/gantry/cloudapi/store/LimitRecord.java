package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** One provisioning limit of an account, in Triton's terms (see {@code io.gantry.common.limits.ProvisionLimit}). */
@Entity
@Table(name = "provision_limits")
public class LimitRecord {
    @Id
    public UUID id;
    @Column(name = "account_id")
    public UUID accountId;
    @Column(name = "by_what")
    public String by;
    public long value;
    @Column(name = "check_what")
    public String check;
    @Column(name = "check_value")
    public String checkValue;
}
