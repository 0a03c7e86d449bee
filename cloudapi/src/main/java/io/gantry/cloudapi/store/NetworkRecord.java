package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A network machines can be placed on. Each tenant's zones get a private subnet of it per node. */
@Entity
@Table(name = "networks")
public class NetworkRecord {
    @Id
    public UUID id;
    public String name;
    @Column(name = "public")
    public boolean isPublic;
    public boolean fabric;
    public String subnet;
    public String gateway;
    @Column(name = "provision_start_ip")
    public String provisionStartIp;
    @Column(name = "provision_end_ip")
    public String provisionEndIp;
    public String description;
}
