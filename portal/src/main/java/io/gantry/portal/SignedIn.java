package io.gantry.portal;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;

/**
 * A signed-in session's user: the provider's tokens (access, refresh, id) in {@link #user()}, and who it is. Kept in
 * the session (LocalSessionStore: in this process's memory only). The access token is swapped for a fresh one when it
 * is about to expire; at most one refresh runs at a time per session.
 */
final class SignedIn {
    static final String SESSION_KEY = "gantry.signedIn";
    static final String OPERATOR_ROLE = "operator";

    private User user;
    private final String login;
    private final String name;
    private final String email;
    private final boolean operator;
    private Future<User> refreshing;

    private SignedIn(User user, String login, String name, String email, boolean operator) {
        this.user = user;
        this.login = login;
        this.name = name;
        this.email = email;
        this.operator = operator;
    }

    /** Who the tokens of {@code user} name: login from {@code preferred_username}, operator from the realm role. */
    static SignedIn of(User user) {
        JsonObject id = user.attributes().getJsonObject("idToken", new JsonObject());
        JsonObject access = user.attributes().getJsonObject("accessToken", new JsonObject());
        String login = id.getString("preferred_username", access.getString("preferred_username"));
        String name = id.getString("name", access.getString("name", login));
        String email = id.getString("email", access.getString("email"));
        JsonObject realmAccess = access.getJsonObject("realm_access", new JsonObject());
        JsonArray roles = realmAccess.getJsonArray("roles", new JsonArray());
        return new SignedIn(user, login, name, email, roles.contains(OPERATOR_ROLE));
    }

    synchronized User user() {
        return user;
    }

    synchronized void replace(User fresh) {
        user = fresh;
    }

    synchronized Future<User> refreshing() {
        return refreshing;
    }

    synchronized void refreshing(Future<User> f) {
        refreshing = f;
    }

    String accessToken() {
        return user().principal().getString("access_token");
    }

    String idToken() {
        return user().principal().getString("id_token");
    }

    /** Seconds until the access token expires (negative: it has). */
    long secondsLeft() {
        Long exp = user().attributes().getLong("exp");
        return exp == null ? 0 : exp - System.currentTimeMillis() / 1000;
    }

    String login() {
        return login;
    }

    /** What {@code GET /session} answers. */
    JsonObject json() {
        return new JsonObject().put("login", login).put("name", name).put("email", email).put("operator", operator)
                .put("csrfHeader", PortalServer.CSRF_HEADER);
    }
}
