package io.gantry.cloudapi.service;

import io.gantry.cloudapi.auth.AuthBarrier;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.LimitRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.JobKind;
import io.gantry.common.ZoneState;
import io.gantry.common.limits.ProvisionLimit;
import io.gantry.record.HibernateSql;
import io.gantry.record.JobLedger;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.hibernate.LockMode;
import org.hibernate.reactive.stage.Stage;

/**
 * Operators create, list, disable, enable and delete accounts. Disabling stops the account's running machines
 * (a stop job each, queued in the same transaction); deleting keeps the row, marked, without keys or limits.
 */
public final class OperatorAccountService {
    /** Triton's login rule (UFDS's sdcperson: a letter, then letters, digits, '_', '.' or '@'), 3 to 32 characters. */
    static final Pattern LOGIN = Pattern.compile("[A-Za-z][A-Za-z0-9_.@]{2,31}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}");
    private static final List<String> RESERVED = List.of("ops", "my");

    private final Stage.SessionFactory sessions;
    private final AuthBarrier changed;

    public OperatorAccountService(Database db) {
        this(db, AuthBarrier.NONE);
    }

    /** Disabling, enabling and deleting an account answer once {@code changed} settled (every instance's key cache heard). */
    public OperatorAccountService(Database db, AuthBarrier changed) {
        this.sessions = db.sessions();
        this.changed = changed;
    }

    /** The new account with its first key and {@link DefaultLimits}; refuses bad input before anything is written. */
    public Future<AccountRecord> create(Caller operator, String login, String email, String keyText) {
        SshPublicKey key;
        try {
            requireOperator(operator);
            checkLogin(login);
            if (email == null || email.isBlank()) {
                throw new GantryException(ErrorCode.MissingParameter, "email is required");
            }
            if (!EMAIL.matcher(email).matches()) {
                throw GantryException.invalid("email '" + email + "' is not an email address");
            }
            if (keyText == null || keyText.isBlank()) {
                throw new GantryException(ErrorCode.MissingParameter, "key is required (one OpenSSH public key line)");
            }
            key = SshPublicKey.parse(keyText.strip());
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        // two creates of one login at once: the second waits here, then finds the first's account and is refused
        return Futures.of(sessions.withTransaction((s, tx) -> s.createNativeQuery(
                        "select 1 from (select pg_advisory_xact_lock(hashtext(lower(cast(?1 as text))))) x")
                .setParameter(1, login)
                .getResultList()
                .thenCompose(locked -> s.createSelectionQuery("from AccountRecord where lower(login) = lower(:l)", AccountRecord.class)
                        .setParameter("l", login)
                        .getResultList())
                .thenCompose(existing -> {
                    if (!existing.isEmpty()) {
                        throw GantryException.invalid("login " + login + " is taken"
                                + (existing.get(0).deletedAt != null ? " (by a deleted account; logins are not reused)" : ""));
                    }
                    AccountRecord a = new AccountRecord();
                    a.id = UUID.randomUUID();
                    a.login = login;
                    a.email = email;
                    a.created = MachineService.now();
                    a.updated = a.created;
                    return s.persist(a)
                            .thenCompose(v -> s.persist(AccountService.newKey(a.id, key.md5Fingerprint(), key)))
                            .thenCompose(v -> s.persist(DefaultLimits.NEW_ACCOUNT.stream().map(l -> limit(a.id, l)).toArray()))
                            .thenCompose(v -> NetworkService.ensureDefault(s, a.id))
                            .thenApply(v -> a);
                })));
    }

    /** Every account but the deleted ones, by login. */
    public Future<List<AccountRecord>> list(Caller operator) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return s.createSelectionQuery("from AccountRecord where deletedAt is null order by login", AccountRecord.class).getResultList();
        }));
    }

    public Future<AccountRecord> get(Caller operator, String account) {
        return Futures.of(sessions.withSession(s -> {
            requireOperator(operator);
            return find(s, account, LockMode.NONE);
        }));
    }

    /** Refuses the account's calls from now on and queues a stop job for each of its running machines. */
    public Future<AccountRecord> disable(Caller operator, String account) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, account, LockMode.PESSIMISTIC_WRITE).thenCompose(a -> {
                if (a.disabledAt == null) {
                    a.disabledAt = MachineService.now();
                    a.updated = a.disabledAt;
                }
                return s.createSelectionQuery("from MachineRecord where accountId = :a and state = :s", MachineRecord.class)
                        .setParameter("a", a.id)
                        .setParameter("s", ZoneState.RUNNING.wireName())
                        .getResultList()
                        .thenCompose(running -> {
                            running.forEach(m -> {
                                m.state = ZoneState.STOPPING.wireName();
                                m.updated = MachineService.now();
                            });
                            return new JobLedger(HibernateSql.of(s)).queue(running.stream()
                                    .map(m -> JobLedger.Job.of(m.id, JobKind.STOP, Map.of(), "operator " + operator.account().login))
                                    .toList());
                        })
                        .thenApply(v -> a);
            });
        })).compose(a -> changed.settle().map(a));
    }

    /** Lifts the refusal; the machines stay as they are (stopped), for the tenant to start. */
    public Future<AccountRecord> enable(Caller operator, String account) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, account, LockMode.PESSIMISTIC_WRITE).thenApply(a -> {
                if (a.disabledAt != null) {
                    a.disabledAt = null;
                    a.updated = MachineService.now();
                }
                return a;
            });
        })).compose(a -> changed.settle().map(a));
    }

    /** Deletes an account that has no machines but deleted or failed ones: its keys and limits go, its row stays marked. */
    public Future<Void> delete(Caller operator, String account) {
        return Futures.of(sessions.withTransaction((s, tx) -> {
            requireOperator(operator);
            return find(s, account, LockMode.PESSIMISTIC_WRITE).thenCompose(a -> s.createSelectionQuery(
                            "select count(*) from MachineRecord where accountId = :a and state not in (:gone)", Long.class)
                    .setParameter("a", a.id)
                    .setParameter("gone", List.of(ZoneState.DELETED.wireName(), ZoneState.FAILED.wireName()))
                    .getSingleResult()
                    .thenCompose(n -> {
                        if (n > 0) {
                            throw GantryException.invalidState("account " + a.login + " has " + n + " machine" + (n == 1 ? "" : "s")
                                    + "; delete them first");
                        }
                        return s.createMutationQuery("delete from KeyRecord where accountId = :a").setParameter("a", a.id).executeUpdate();
                    })
                    .thenCompose(n -> s.createMutationQuery("delete from LimitRecord where accountId = :a").setParameter("a", a.id)
                            .executeUpdate())
                    .thenApply(n -> {
                        a.deletedAt = MachineService.now();
                        a.disabledAt = a.disabledAt == null ? a.deletedAt : a.disabledAt;
                        a.updated = a.deletedAt;
                        return null;
                    }));
        })).compose(v -> changed.settle());
    }

    /** Triton's login rules, as account creation checks them (MissingParameter or InvalidArgument). */
    public static void checkLogin(String login) {
        if (login == null || login.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, "login is required");
        }
        if (!LOGIN.matcher(login).matches()) {
            throw GantryException.invalid("login '" + login + "' must be 3-32 characters: a letter, then letters, digits, '_', '.' or '@'");
        }
        if (RESERVED.contains(login.toLowerCase(java.util.Locale.ROOT))) {
            throw GantryException.invalid("login '" + login + "' is reserved: /" + login + "/... is not an account's path");
        }
    }

    private static void requireOperator(Caller caller) {
        if (!caller.operator()) {
            throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not an operator");
        }
    }

    /** The account that is not deleted, by login or id; ResourceNotFound otherwise. */
    private static CompletionStage<AccountRecord> find(Stage.Session s, String account, LockMode lock) {
        return s.createSelectionQuery("select a.id from AccountRecord a where a.deletedAt is null and (a.login = :l or cast(a.id as String) = :l)",
                        UUID.class)
                .setParameter("l", account)
                .getResultList()
                .thenCompose(ids -> ids.isEmpty()
                        ? CompletableFuture.failedFuture(GantryException.notFound("account " + account + " not found"))
                        : s.find(AccountRecord.class, ids.get(0), lock));
    }

    static LimitRecord limit(UUID accountId, ProvisionLimit limit) {
        LimitRecord r = new LimitRecord();
        r.id = UUID.randomUUID();
        r.accountId = accountId;
        r.by = limit.by().wireName();
        r.value = limit.value();
        return r;
    }
}
