package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.AccountRecord;

/** Who made a request: the account, and the key or token that proved it (for the audit trail). */
public record Caller(AccountRecord account, String keyId, String ip) {
    /** The caller's account is an operator's: it may call the operator routes. */
    public boolean operator() {
        return account.operator;
    }

    public String describe() {
        return account.login + (keyId == null ? "" : " (" + keyId + ")");
    }
}
