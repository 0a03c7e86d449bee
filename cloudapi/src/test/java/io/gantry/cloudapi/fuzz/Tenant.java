package io.gantry.cloudapi.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One account of the fuzz world and what the fuzzer knows of it: keys to sign with, the ids and
 * names of its resources (to put in paths), and every string that is its own and nobody else's
 * (ids, names, fingerprints, tags, metadata, rule texts), which must never reach another account.
 * The world's operator is one too: it signs the operator routes ({@code /ops/...}).
 */
public final class Tenant {
    final String label;
    final String login;
    final UUID accountId;
    final Signer rsa;
    final Signer ecdsa;
    /** A key never registered anywhere; it signs in this tenant's name with a registered fingerprint. */
    final Signer forger;
    /** An operator (it may call /ops/...): its changes land outside the tenants' records, which it may read. */
    final boolean operator;
    /** Its person's subject at the world's issuer (the account is linked to it), or null when the world has none. */
    String subject;
    final List<String> machines = new ArrayList<>();
    final List<String> machineNames = new ArrayList<>();
    final List<String> fwrules = new ArrayList<>();
    final List<String> keyRefs = new ArrayList<>();
    final List<String> tagKeys = new ArrayList<>();
    final List<String> metadataKeys = new ArrayList<>();
    /** Keys added during the run: the only ones a request may delete (deleting the signing keys would end the run). */
    final List<String> addedKeys = new ArrayList<>();
    final Set<String> secrets = new LinkedHashSet<>();
    /** The other tenant's strings this tenant's own record now holds because it wrote them (a rule naming a foreign id). */
    final Set<String> planted = new LinkedHashSet<>();

    Tenant(String label, String login, UUID accountId, Signer rsa, Signer ecdsa, Signer forger, boolean operator) {
        this.label = label;
        this.operator = operator;
        this.login = login;
        this.accountId = accountId;
        this.rsa = rsa;
        this.ecdsa = ecdsa;
        this.forger = forger;
        secrets.add(login);
        secrets.add(accountId.toString());
    }

    void secret(String value) {
        if (value != null && value.length() >= 8) {
            secrets.add(value);
        }
    }

    @Override
    public String toString() {
        return label + "(" + login + ")";
    }
}
