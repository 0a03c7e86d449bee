package io.gantry.cloudapi;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Bearer tokens the cloud API accepts besides signed requests: those of one OpenID Connect issuer (a Keycloak
 * realm, e.g. {@code http://127.0.0.1:7280/realms/gantry}) whose audience includes {@code audience}. A token's
 * {@code loginClaim} names the account its holder's first sign-in creates; holders of the realm role
 * {@code operatorRole} are operators.
 */
public record OidcSettings(String issuer, String audience, String loginClaim, String operatorRole) {
    public static final String DEFAULT_AUDIENCE = "gantry-api";
    public static final String DEFAULT_LOGIN_CLAIM = "preferred_username";
    public static final String DEFAULT_OPERATOR_ROLE = "operator";

    public OidcSettings {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("the OIDC issuer is required: a URL such as http://127.0.0.1:7280/realms/gantry");
        }
        try {
            URI uri = new URI(issuer);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("the OIDC issuer must be an http:// or https:// URL, not " + issuer);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the OIDC issuer is not a URL: " + issuer);
        }
        audience = orDefault(audience, DEFAULT_AUDIENCE);
        loginClaim = orDefault(loginClaim, DEFAULT_LOGIN_CLAIM);
        operatorRole = orDefault(operatorRole, DEFAULT_OPERATOR_ROLE);
    }

    /** The issuer's settings with every default: audience gantry-api, login from preferred_username, role operator. */
    public static OidcSettings of(String issuer) {
        return new OidcSettings(issuer, null, null, null);
    }

    /** Where a Keycloak realm publishes its signing keys (JWKS). */
    public String jwksUrl() {
        return (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer) + "/protocol/openid-connect/certs";
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }
}
