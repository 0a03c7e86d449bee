package io.gantry.cloudapi.service;

import io.gantry.cloudapi.OidcSettings;
import io.gantry.cloudapi.auth.VerifiedToken;
import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.Database;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.hibernate.reactive.stage.Stage;

/**
 * The accounts of people who sign in through the identity provider: a verified token's issuer and subject name
 * the account; the first token of a person creates it, with its login from the configured claim and
 * {@link DefaultLimits}, unless that login is already another account's (refused, never merged). The account's
 * operator flag follows the token's operator role on every sign-in, so the person's SSH keys carry the rights
 * their last token did.
 */
public final class FederatedAccounts {
    private final Stage.SessionFactory sessions;
    private final OidcSettings settings;

    public FederatedAccounts(Database db, OidcSettings settings) {
        this.sessions = db.sessions();
        this.settings = settings;
    }

    /** The token holder's account, created now if this is their first sign-in. */
    public Future<AccountRecord> account(VerifiedToken token) {
        // two first requests of one person at once: the login lock makes the second wait, then find the first's
        // account; the unique index on (issuer, subject) is the backstop if the two named different logins
        return signIn(token).recover(e -> isUniqueViolation(e) ? signIn(token) : Future.failedFuture(e));
    }

    private Future<AccountRecord> signIn(VerifiedToken token) {
        boolean operator = token.hasRealmRole(settings.operatorRole());
        return Futures.of(sessions.withTransaction((s, tx) -> linked(s, token).thenCompose(found -> found != null
                ? CompletableFuture.completedFuture(keepInStep(found, operator))
                : create(s, token, operator))));
    }

    private static CompletionStage<AccountRecord> linked(Stage.Session s, VerifiedToken token) {
        return s.createSelectionQuery("from AccountRecord where idpIssuer = :i and idpSubject = :s", AccountRecord.class)
                .setParameter("i", token.issuer())
                .setParameter("s", token.subject())
                .getResultList()
                .thenApply(found -> found.isEmpty() ? null : found.get(0));
    }

    private static AccountRecord keepInStep(AccountRecord account, boolean operator) {
        if (account.operator != operator) {
            account.operator = operator; // written when the transaction commits
            account.updated = MachineService.now();
        }
        return account;
    }

    private CompletionStage<AccountRecord> create(Stage.Session s, VerifiedToken token, boolean operator) {
        String login = token.stringClaim(settings.loginClaim());
        try {
            checkLogin(login);
        } catch (GantryException e) {
            return CompletableFuture.failedFuture(e);
        }
        // the lock operators' account creation takes too: one login, one creator at a time
        return s.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext(lower(cast(?1 as text))))) x")
                .setParameter(1, login)
                .getResultList()
                .thenCompose(locked -> linked(s, token))
                .thenCompose(linked -> linked != null
                        ? CompletableFuture.completedFuture(keepInStep(linked, operator))
                        : s.createSelectionQuery("from AccountRecord where lower(login) = lower(:l)", AccountRecord.class)
                                .setParameter("l", login)
                                .getResultList()
                                .thenCompose(taken -> {
                                    if (!taken.isEmpty()) {
                                        throw new GantryException(ErrorCode.NotAuthorized, "login '" + login
                                                + "' already belongs to another account; ask an operator to link or rename");
                                    }
                                    AccountRecord a = newAccount(token, login, operator);
                                    return s.persist(a)
                                            .thenCompose(v -> s.persist(DefaultLimits.NEW_ACCOUNT.stream()
                                                    .map(l -> OperatorAccountService.limit(a.id, l)).toArray()))
                                            .thenCompose(v -> NetworkService.ensureDefault(s, a.id))
                                            .thenCompose(v -> s.flush())
                                            .thenApply(v -> a);
                                }));
    }

    private void checkLogin(String login) {
        if (login == null || login.isBlank()) {
            throw new GantryException(ErrorCode.NotAuthorized, "the token has no " + settings.loginClaim()
                    + " claim to name a new account by; ask an operator");
        }
        try {
            OperatorAccountService.checkLogin(login);
        } catch (GantryException e) {
            throw new GantryException(ErrorCode.NotAuthorized, "the token's " + settings.loginClaim() + " '" + login
                    + "' cannot be a Gantry login (" + e.getMessage() + "); ask an operator to create the account");
        }
    }

    private static AccountRecord newAccount(VerifiedToken token, String login, boolean operator) {
        AccountRecord a = new AccountRecord();
        a.id = UUID.randomUUID();
        a.login = login;
        String email = token.stringClaim("email");
        a.email = email == null ? "" : email; // a tenant without one in the provider sets it later (UpdateAccount)
        a.firstName = token.stringClaim("given_name");
        a.lastName = token.stringClaim("family_name");
        a.operator = operator;
        a.idpIssuer = token.issuer();
        a.idpSubject = token.subject();
        a.created = MachineService.now();
        a.updated = a.created;
        return a;
    }

    /** PostgreSQL refused a row for a unique index (SQLSTATE 23505), wherever in the causes it says so. */
    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException c && "23505".equals(c.getSQLState())) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().contains("23505")) {
                return true;
            }
        }
        return false;
    }
}
