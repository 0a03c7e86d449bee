package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A machine's network interface and the address it holds on its network ({@code unique (network_id, ip)}: no address
 * is held twice). {@code state}: provisioning (until its node has wired it), running, removing (until its node has
 * taken it out; then the row, and so the address, is gone).
 */
@Entity
@Table(name = "nics")
public class NicRecord {
    public static final String PROVISIONING = "provisioning";
    public static final String RUNNING = "running";
    public static final String REMOVING = "removing";

    @Id
    public String mac;
    @Column(name = "machine_id")
    public UUID machineId;
    @Column(name = "account_id")
    public UUID accountId;
    @Column(name = "network_id")
    public UUID networkId;
    public String ip;
    @Column(name = "primary_nic")
    public boolean primaryNic;
    public String state;
    public OffsetDateTime created;
}
