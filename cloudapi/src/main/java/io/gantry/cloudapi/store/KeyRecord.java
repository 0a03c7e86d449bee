package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** An SSH public key registered to an account; requests signed with it act as that account. */
@Entity
@Table(name = "account_keys")
public class KeyRecord {
    @Id
    public UUID id;
    @Column(name = "account_id")
    public UUID accountId;
    public String name;
    /** MD5 form, "aa:bb:…". */
    public String fingerprint;
    public String sha256;
    @Column(name = "key_text")
    public String keyText;
    public OffsetDateTime created;
}
