package io.gantry.cloudapi.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A bearer token that passed every check of {@link BearerTokenVerifier}: who issued it, whom it names, and its claims. */
public record VerifiedToken(String issuer, String subject, JsonObject claims) {

    /** The claim's value if it is a string, else null. */
    public String stringClaim(String name) {
        return claims.getValue(name) instanceof String s ? s : null;
    }

    /** The token grants this realm role (Keycloak's {@code realm_access.roles}). */
    public boolean hasRealmRole(String role) {
        return claims.getValue("realm_access") instanceof JsonObject access
                && access.getValue("roles") instanceof JsonArray roles
                && roles.contains(role);
    }
}
