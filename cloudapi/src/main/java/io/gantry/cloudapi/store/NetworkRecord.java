package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/**
 * A network machines get addresses on: an account's fabric network (a VXLAN with its own {@code vni}, on one of the
 * account's VLANs; {@code ownerAccount} set), or an operator's shared external network ({@code ownerAccount} null,
 * not fabric, public). {@code resolvers} is a JSON array.
 */
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
    @Column(name = "owner_account")
    public UUID ownerAccount;
    @Column(name = "vlan_id")
    public Integer vlanId;
    public Integer vni;
    public boolean nat;
    public int mtu;
    public String resolvers;
}
