package io.gantry.portal;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in with the OpenID Connect authorization code flow and PKCE (S256): {@code GET /signin} sends the browser to
 * the provider with a fresh state, nonce and code challenge kept in the session; {@code GET /callback} checks the
 * state, trades the code (with the verifier and the client secret) for tokens, checks the id token's nonce, gives
 * the session a new id and keeps the tokens in it; {@code POST /signout} ends the session and sends the browser to
 * the provider's end-session endpoint, which ends the provider's session too.
 */
final class SignInRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(SignInRoutes.class);
    static final String ATTEMPT_KEY = "gantry.signInAttempt";
    static final String SCOPES = "openid profile email";
    static final String DEFAULT_PAGE = "/machines.html";

    /** One sign-in under way: what the callback must see again, and where to go after it. */
    record Attempt(String state, String verifier, String nonce, String returnTo) {
    }

    private final OidcProvider provider;
    private final String issuer;
    private final String clientId;
    private final Supplier<String> publicUrl;

    /** {@code provider} null: sign-in is not configured, and {@code /signin} says so. */
    SignInRoutes(OidcProvider provider, String issuer, String clientId, Supplier<String> publicUrl) {
        this.provider = provider;
        this.issuer = issuer;
        this.clientId = clientId;
        this.publicUrl = publicUrl;
    }

    void signIn(RoutingContext ctx) {
        if (provider == null) {
            Answers.page(ctx, 503, "Sign-in is not configured",
                    "This portal has no identity provider configured, so no one can sign in. The operator names one with"
                            + " --oidc-issuer (gantry dev without --no-keycloak starts one).", null, null);
            return;
        }
        String returnTo = safeReturn(ctx.request().getParam("return"));
        if (PortalServer.signedIn(ctx) != null) {
            Answers.redirect(ctx, returnTo);
            return;
        }
        provider.get().onSuccess(auth -> {
            Pkce pkce = Pkce.generate();
            Attempt attempt = new Attempt(Pkce.random(24), pkce.verifier(), Pkce.random(24), returnTo);
            ctx.session().put(ATTEMPT_KEY, attempt);
            Answers.redirect(ctx, auth.authorizeURL(new JsonObject()
                    .put("redirect_uri", callbackUrl())
                    .put("scope", SCOPES)
                    .put("state", attempt.state())
                    .put("nonce", attempt.nonce())
                    .put("code_challenge", pkce.challenge())
                    .put("code_challenge_method", Pkce.METHOD)));
        }).onFailure(e -> Answers.page(ctx, 503, "Sign-in is starting or unavailable",
                "The sign-in service (" + issuer + ") does not answer yet. If the platform was just started it may need"
                        + " another half minute; otherwise ask the operator. Then retry.",
                "Retry sign-in", "/signin?return=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)));
    }

    void callback(RoutingContext ctx) {
        if (provider == null) {
            Answers.redirect(ctx, "/signin");
            return;
        }
        Session session = ctx.session();
        Attempt attempt = session.remove(ATTEMPT_KEY);
        String error = ctx.request().getParam("error");
        if (error != null) {
            String description = ctx.request().getParam("error_description");
            Answers.page(ctx, 403, "Sign-in did not complete", "The sign-in service answered: " + (description == null ? error : description)
                    + ".", "Sign in again", "/signin");
            return;
        }
        String state = ctx.request().getParam("state");
        String code = ctx.request().getParam("code");
        if (attempt == null || state == null || !attempt.state().equals(state) || code == null) {
            Answers.page(ctx, 400, "This sign-in has expired", "The sign-in link was already used, has expired, or was started in"
                    + " another browser. Start again.", "Sign in", "/signin");
            return;
        }
        provider.get().compose(auth -> auth.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
                .setRedirectUri(callbackUrl()).setCodeVerifier(attempt.verifier()))).onSuccess(user -> {
            JsonObject idToken = user.attributes().getJsonObject("idToken");
            if (idToken == null || user.attributes().getJsonObject("accessToken") == null) {
                LOG.warn("sign-in: the tokens from {} did not pass the checks (signature, issuer, audience {} / {})", issuer,
                        OidcProvider.API_AUDIENCE, clientId);
                Answers.page(ctx, 502, "Sign-in failed", "The sign-in service's tokens did not pass the portal's checks"
                        + " (signature, issuer or audience). Ask the operator to check the portal's client in the identity provider.",
                        "Sign in again", "/signin");
                return;
            }
            if (!attempt.nonce().equals(idToken.getString("nonce"))) {
                Answers.page(ctx, 400, "Sign-in failed", "The sign-in answer was not for this sign-in. Start again.", "Sign in", "/signin");
                return;
            }
            SignedIn signedIn = SignedIn.of(user);
            if (signedIn.login() == null) {
                Answers.page(ctx, 502, "Sign-in failed", "The sign-in service did not say who you are (no preferred_username)."
                        + " Ask the operator to check the portal client's scopes.", "Sign in again", "/signin");
                return;
            }
            // a new id at the change of privilege, so a session id planted before sign-in is worth nothing after it
            session.regenerateId();
            session.put(SignedIn.SESSION_KEY, signedIn);
            Answers.redirect(ctx, attempt.returnTo());
        }).onFailure(e -> {
            LOG.warn("sign-in: trading the code at {} failed: {}", issuer, e.getMessage());
            Answers.page(ctx, 502, "Sign-in failed", "The sign-in service did not accept the sign-in (" + e.getMessage() + ")."
                    + " Start again.", "Sign in again", "/signin");
        });
    }

    void signOut(RoutingContext ctx) {
        SignedIn signedIn = PortalServer.signedIn(ctx);
        ctx.session().destroy();
        String done = publicUrl.get() + "/signed-out.html";
        OAuth2Auth auth = provider == null ? null : provider.readyOrNull();
        if (signedIn == null || auth == null) {
            Answers.redirect(ctx, done);
            return;
        }
        String url = auth.endSessionURL(signedIn.user(), new JsonObject().put("client_id", clientId).put("post_logout_redirect_uri", done));
        Answers.redirect(ctx, url == null ? done : url);
    }

    String callbackUrl() {
        return publicUrl.get() + "/callback";
    }

    /** A path on this portal to return to after sign-in; anything else (another host, "//host", a scheme) goes to the machines page. */
    static String safeReturn(String requested) {
        if (requested == null || requested.isEmpty() || requested.charAt(0) != '/' || requested.startsWith("//")
                || requested.startsWith("/\\") || requested.startsWith("/signin") || requested.startsWith("/callback")
                || requested.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return DEFAULT_PAGE;
        }
        return requested;
    }
}
