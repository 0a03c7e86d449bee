package io.gantry.cloudapi.api;

import io.gantry.cloudapi.auth.BearerTokenVerifier;
import io.gantry.cloudapi.auth.Fingerprints;
import io.gantry.cloudapi.auth.KeyCache;
import io.gantry.cloudapi.auth.SignatureHeader;
import io.gantry.cloudapi.auth.SignatureVerifier;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.cloudapi.service.AccountService;
import io.gantry.cloudapi.service.Caller;
import io.gantry.cloudapi.service.FederatedAccounts;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * HTTP Signature authentication, as Triton clients sign: the key id names the account and the key's
 * fingerprint; the signature covers the date header. Or, when an OpenID Connect issuer is configured, a
 * bearer token of that issuer ({@code Authorization: Bearer <jwt>}), whose issuer and subject name the
 * account (created at the person's first sign-in). Either way the path's account must be the caller's own
 * (or {@code my}); paths under {@code /ops} (the operator routes) need an operator's account instead.
 */
final class Authenticate implements Handler<RoutingContext> {
    static final String CALLER = "gantry.caller";
    static final String BEARER_ACCEPTED = "gantry.bearer-accepted";
    private static final String BEARER = "Bearer ";
    private final AccountService accounts;
    private final KeyCache keys;
    private final SignatureVerifier verifier;
    private final BearerTokenVerifier tokens;
    private final FederatedAccounts federated;

    /** Signed requests, and bearer tokens that {@code tokens} verifies (both null: signed requests only). */
    Authenticate(AccountService accounts, SignatureVerifier verifier, BearerTokenVerifier tokens, FederatedAccounts federated) {
        this(accounts, new KeyCache(), verifier, tokens, federated);
    }

    /** As above, the keys found kept in {@code keys} (shared by the instance's event loops) while it is live. */
    Authenticate(AccountService accounts, KeyCache keys, SignatureVerifier verifier, BearerTokenVerifier tokens,
                 FederatedAccounts federated) {
        this.accounts = accounts;
        this.keys = keys;
        this.verifier = verifier;
        this.tokens = tokens;
        this.federated = federated;
    }

    /** The request carries a bearer token, or the scheme's name without one (the name is case-insensitive). */
    static boolean isBearer(String authorization) {
        return authorization != null && (authorization.strip().equalsIgnoreCase(BEARER.strip())
                || authorization.regionMatches(true, 0, BEARER, 0, BEARER.length()));
    }

    /** The authenticated caller; a handler reached without one (which the routes never allow) is refused, not served. */
    static Caller caller(RoutingContext ctx) {
        Caller caller = ctx.get(CALLER);
        if (caller == null) {
            throw new GantryException(ErrorCode.InvalidCredentials, "this request was not authenticated");
        }
        return caller;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (tokens != null) {
            ctx.put(BEARER_ACCEPTED, true); // a refusal's WWW-Authenticate names both schemes
        }
        authenticate(ctx).map(caller -> {
            if (caller.account().disabledAt != null) {
                throw new GantryException(ErrorCode.NotAuthorized, "account " + caller.account().login + " is disabled");
            }
            String login = login(ctx.normalizedPath());
            if (OperatorEndpoints.PREFIX.equals(login)) {
                if (!caller.operator()) {
                    throw new GantryException(ErrorCode.NotAuthorized, caller.account().login
                            + " is not an operator: /ops/... is open to operator accounts only");
                }
            } else if (login != null && !"my".equals(login) && !caller.account().login.equals(login)) {
                throw new GantryException(ErrorCode.NotAuthorized, caller.account().login + " is not allowed to act as " + login);
            }
            return caller;
        }).onSuccess(caller -> {
            ctx.put(CALLER, caller);
            ctx.next();
        }).onFailure(e -> Reply.error(ctx, e));
    }

    /** The path's first segment, %-decoded (the account the request acts as), or null when the path has none. */
    static String login(String path) {
        int start = path.startsWith("/") ? 1 : 0;
        int end = path.indexOf('/', start);
        String segment = end < 0 ? path.substring(start) : path.substring(start, end);
        if (segment.isEmpty()) {
            return null;
        }
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment; // not a login anyone has: refused as another account's
        }
    }

    private Future<Caller> authenticate(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization == null || authorization.isBlank()) {
            return Future.failedFuture(new GantryException(ErrorCode.InvalidCredentials,
                    "this API needs requests signed with an account's SSH key (Authorization: Signature …)"
                            + (tokens == null ? "" : " or a bearer token of " + tokens.settings().issuer() + " (Authorization: Bearer …)")));
        }
        if (isBearer(authorization)) {
            return bearer(ctx, authorization.strip().substring(BEARER.strip().length()).strip());
        }
        SignatureHeader header;
        String signed;
        try {
            header = SignatureHeader.parse(authorization);
            verifier.checkDate(ctx.request().getHeader(header.signedDateHeader()));
            signed = header.signingString(ctx.request().method().name(), ctx.request().uri(), ctx.request()::getHeader);
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        if (header.keyId().user() != null) {
            return Future.failedFuture(new GantryException(ErrorCode.InvalidCredentials, "sub-users are not supported; sign as the account"));
        }
        String login = header.keyId().account();
        String fingerprint = Fingerprints.lookupForm(header.keyId().fingerprint());
        KeyCache.Entry cached = keys.get(login, fingerprint);
        if (cached != null) {
            try {
                return Future.succeededFuture(caller(ctx, cached, header, signed));
            } catch (GantryException e) {
                return Future.failedFuture(e);
            }
        }
        long epoch = keys.epoch(); // before the read: a change heard after it keeps what was read out of the cache
        return accounts.findKey(login, header.keyId().fingerprint()).map(found -> {
            var auth = found.orElseThrow(() -> new GantryException(ErrorCode.InvalidCredentials,
                    "no key " + header.keyId().fingerprint() + " is registered for account " + header.keyId().account()));
            var entry = new KeyCache.Entry(auth.account(), auth.key(), SshPublicKey.parse(auth.key().keyText));
            Caller caller = caller(ctx, entry, header, signed);
            keys.put(login, fingerprint, entry, epoch);
            return caller;
        });
    }

    private Caller caller(RoutingContext ctx, KeyCache.Entry key, SignatureHeader header, String signed) {
        key.verify(verifier, header, signed);
        return new Caller(key.account(), key.key().fingerprint, ctx.request().remoteAddress().hostAddress());
    }

    private Future<Caller> bearer(RoutingContext ctx, String token) {
        if (tokens == null) {
            return Future.failedFuture(new GantryException(ErrorCode.InvalidCredentials,
                    "this API takes no bearer tokens (no OpenID Connect issuer is configured); sign the request with an SSH key"));
        }
        if (token.isEmpty()) {
            return Future.failedFuture(new GantryException(ErrorCode.InvalidCredentials, "bearer token refused: the header holds none"));
        }
        return tokens.verify(token).compose(verified -> federated.account(verified)
                .map(account -> new Caller(account, "oidc:" + verified.subject(), ctx.request().remoteAddress().hostAddress())));
    }
}
