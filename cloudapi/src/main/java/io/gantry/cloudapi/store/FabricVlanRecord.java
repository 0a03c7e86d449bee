package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.UUID;

/** One of an account's fabric VLANs (Triton: {@code /:login/fabrics/default/vlans}), keyed by account and VLAN id. */
@Entity
@Table(name = "fabric_vlans")
@IdClass(FabricVlanRecord.Key.class)
public class FabricVlanRecord {
    @Id
    @Column(name = "account_id")
    public UUID accountId;
    @Id
    @Column(name = "vlan_id")
    public int vlanId;
    public String name;
    public String description;

    /** The composite key, as Hibernate wants it: a class with the same field names. */
    public static class Key implements Serializable {
        public UUID accountId;
        public int vlanId;

        public Key() {
        }

        public Key(UUID accountId, int vlanId) {
            this.accountId = accountId;
            this.vlanId = vlanId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.accountId.equals(accountId) && k.vlanId == vlanId;
        }

        @Override
        public int hashCode() {
            return accountId.hashCode() * 31 + vlanId;
        }
    }
}
