package io.gantry.cloudapi.service;

import io.gantry.cloudapi.auth.AuthBarrier;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.KeyRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.hibernate.reactive.stage.Stage;

/** Accounts and their SSH keys: what authentication looks up, and what tenants manage through the API. */
public final class AccountService {
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9._@:-]{1,128}");
    private final Stage.SessionFactory sessions;
    private final AuthBarrier changed;

    public AccountService(Database db) {
        this(db, AuthBarrier.NONE);
    }

    /** Changes to the account or its keys answer once {@code changed} settled (every instance's key cache heard of them). */
    public AccountService(Database db, AuthBarrier changed) {
        this.sessions = db.sessions();
        this.changed = changed;
    }

    public record Authenticated(AccountRecord account, KeyRecord key) {
    }

    /** The account with this login and its key with this fingerprint (md5 or sha256 form), if both exist. */
    public Future<Optional<Authenticated>> findKey(String login, String fingerprint) {
        String fp = io.gantry.cloudapi.auth.Fingerprints.lookupForm(fingerprint);
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery("from AccountRecord where login = :l", AccountRecord.class)
                .setParameter("l", login)
                .getResultList()
                .thenCompose(accounts -> {
                    if (accounts.isEmpty()) {
                        return java.util.concurrent.CompletableFuture.completedFuture(Optional.<Authenticated>empty());
                    }
                    AccountRecord a = accounts.get(0);
                    return s.createSelectionQuery("from KeyRecord where accountId = :a and (lower(fingerprint) = lower(:f) or sha256 = :f)",
                                    KeyRecord.class)
                            .setParameter("a", a.id)
                            .setParameter("f", fp)
                            .getResultList()
                            .thenApply(keys -> keys.stream().findFirst().map(k -> new Authenticated(a, k)));
                })));
    }

    public Future<AccountRecord> update(Caller caller, Map<String, Object> fields) {
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(AccountRecord.class, caller.account().id).thenApply(a -> {
            if (fields.get("email") instanceof String e) {
                a.email = e;
            }
            if (fields.get("companyName") instanceof String c) {
                a.companyName = c;
            }
            if (fields.get("firstName") instanceof String f) {
                a.firstName = f;
            }
            if (fields.get("lastName") instanceof String l) {
                a.lastName = l;
            }
            a.updated = MachineService.now();
            return a;
        }))).compose(a -> changed.settle().map(a));
    }

    public Future<List<KeyRecord>> keys(Caller caller) {
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery("from KeyRecord where accountId = :a order by created", KeyRecord.class)
                .setParameter("a", caller.account().id)
                .getResultList()));
    }

    public Future<KeyRecord> key(Caller caller, String nameOrFingerprint) {
        return keys(caller).map(keys -> keys.stream()
                .filter(k -> k.name.equals(nameOrFingerprint) || k.fingerprint.equalsIgnoreCase(nameOrFingerprint)
                        || k.sha256.equals(nameOrFingerprint))
                .findFirst()
                .orElseThrow(() -> GantryException.notFound("key " + nameOrFingerprint + " not found")));
    }

    public Future<KeyRecord> addKey(Caller caller, String name, String keyText) {
        if (keyText == null || keyText.isBlank()) {
            return Future.failedFuture(new GantryException(ErrorCode.MissingParameter, "key is required (an OpenSSH public key)"));
        }
        SshPublicKey parsed;
        try {
            parsed = SshPublicKey.parse(keyText);
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        String keyName = name == null || name.isBlank() ? parsed.md5Fingerprint() : name;
        if (!KEY_NAME.matcher(keyName).matches()) {
            return Future.failedFuture(GantryException.invalid("key name '" + keyName + "' must be 1-128 letters, digits or ._@:-"));
        }
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(AccountRecord.class, caller.account().id, org.hibernate.LockMode.PESSIMISTIC_WRITE)
                .thenCompose(a -> s.createSelectionQuery("from KeyRecord where accountId = :a", KeyRecord.class)
                        .setParameter("a", a.id)
                        .getResultList())
                .thenCompose(existing -> {
                    for (KeyRecord k : existing) {
                        if (k.fingerprint.equalsIgnoreCase(parsed.md5Fingerprint())) {
                            throw GantryException.invalid("this key is already registered as '" + k.name + "'");
                        }
                        if (k.name.equals(keyName)) {
                            throw GantryException.invalid("a key named '" + keyName + "' already exists");
                        }
                    }
                    KeyRecord k = newKey(caller.account().id, keyName, parsed);
                    return s.persist(k).thenApply(v -> k);
                })));
    }

    public static KeyRecord newKey(UUID accountId, String name, SshPublicKey key) {
        KeyRecord k = new KeyRecord();
        k.id = UUID.randomUUID();
        k.accountId = accountId;
        k.name = name;
        k.fingerprint = key.md5Fingerprint();
        k.sha256 = key.sha256Fingerprint();
        k.keyText = key.text();
        k.created = MachineService.now();
        return k;
    }

    public Future<Void> deleteKey(Caller caller, String nameOrFingerprint) {
        return key(caller, nameOrFingerprint).compose(k -> Futures.of(sessions.withTransaction((s, tx) ->
                s.createMutationQuery("delete from KeyRecord where id = :id and accountId = :a")
                        .setParameter("id", k.id)
                        .setParameter("a", caller.account().id)
                        .executeUpdate()
                        .thenApply(n -> (Void) null)))).compose(v -> changed.settle());
    }
}
