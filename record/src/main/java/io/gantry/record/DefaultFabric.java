package io.gantry.record;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Every account's default fabric, as Triton's: VLAN 2 "My-Fabric-VLAN" holding "My-Fabric-Network"
 * (192.168.128.0/22, gateway .1, addresses 192.168.128.5-192.168.131.250, NAT on, MTU 1450) with its own VXLAN id.
 * Made with the account, and for accounts older than the networks' record on first need, in the caller's
 * transaction; making it again changes nothing.
 */
public final class DefaultFabric {
    public static final int VLAN_ID = 2;
    public static final String VLAN_NAME = "My-Fabric-VLAN";
    public static final String NETWORK_NAME = "My-Fabric-Network";
    public static final String SUBNET = "192.168.128.0/22";
    public static final String GATEWAY = "192.168.128.1";
    public static final String START = "192.168.128.5";
    public static final String END = "192.168.131.250";

    private static final String VLAN = "insert into fabric_vlans (account_id, vlan_id, name, description)"
            + " values (?1, " + VLAN_ID + ", '" + VLAN_NAME + "', 'The default fabric VLAN') on conflict do nothing";

    private static final String NETWORK = "insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip,"
            + " provision_end_ip, description, owner_account, vlan_id, vni, nat, mtu, resolvers)"
            + " select ?2, '" + NETWORK_NAME + "', false, true, '" + SUBNET + "', '" + GATEWAY + "', '" + START + "', '" + END + "',"
            + " 'The default fabric network', ?1, " + VLAN_ID + ", nextval('fabric_vni'), true, 1450, '[]'"
            + " where not exists (select 1 from networks where owner_account = ?1 and name = '" + NETWORK_NAME + "')"
            + " on conflict do nothing";

    private final SqlSession sql;

    public DefaultFabric(SqlSession sql) {
        this.sql = sql;
    }

    /** Makes the account's default VLAN and network unless it has them. */
    public CompletionStage<Void> ensure(UUID account) {
        return sql.update(VLAN, account)
                .thenCompose(n -> sql.update(NETWORK, account, UUID.randomUUID()))
                .thenApply(n -> null);
    }
}
