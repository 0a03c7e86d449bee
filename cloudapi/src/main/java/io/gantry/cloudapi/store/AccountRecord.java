package io.gantry.cloudapi.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant account; an {@code operator} account may also call the operator routes. Entities here are
 * plain rows: public fields, no behaviour.
 */
@Entity
@Table(name = "accounts")
public class AccountRecord {
    @Id
    public UUID id;
    public String login;
    public String email;
    @Column(name = "company_name")
    public String companyName;
    @Column(name = "first_name")
    public String firstName;
    @Column(name = "last_name")
    public String lastName;
    /** May call the operator routes ({@code /ops/...}) besides its own. */
    public boolean operator;
    /** When an operator disabled the account (its calls are refused); null while it is enabled. */
    @Column(name = "disabled_at")
    public OffsetDateTime disabledAt;
    /** When an operator deleted the account; its row stays (its machines' records name it), without keys or limits. */
    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;
    /** The OpenID Connect issuer of the person this account belongs to (its first sign-in created it); null for others. */
    @Column(name = "idp_issuer")
    public String idpIssuer;
    /** That person's subject ({@code sub}) at the issuer; set together with {@link #idpIssuer}. */
    @Column(name = "idp_subject")
    public String idpSubject;
    public OffsetDateTime created;
    public OffsetDateTime updated;
}
