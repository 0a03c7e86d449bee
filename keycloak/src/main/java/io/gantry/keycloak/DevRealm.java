package io.gantry.keycloak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The realm {@value #REALM} that {@code gantry dev} and the tests import into Keycloak, as the realm
 * JSON Keycloak's {@code --import-realm} reads. Immutable: each {@code with...} returns a copy.
 *
 * <p>Clients: {@value #PORTAL_CLIENT} (confidential, authorization code flow only, PKCE S256 required,
 * the API in its tokens' audience), {@value #API_CLIENT} (the API's audience, no flows),
 * {@value #CLI_CLIENT} (public, password grant, API audience) and {@value #OTHER_CLIENT} (public,
 * password grant, no API audience: a source of real wrong-audience tokens). Realm role
 * {@value #OPERATOR_ROLE}. Default users {@code alice} (tenant) and {@code olga} (operator).
 */
public final class DevRealm {
    public static final String REALM = "gantry";
    public static final String PORTAL_CLIENT = "gantry-portal";
    public static final String API_CLIENT = "gantry-api";
    public static final String CLI_CLIENT = "gantry-cli";
    public static final String OTHER_CLIENT = "gantry-other";
    public static final String OPERATOR_ROLE = "operator";
    /** The priority of the keys Keycloak makes itself; an imported key gets less, so it never signs. */
    static final int GENERATED_KEY_PRIORITY = 100;
    static final int IMPORTED_KEY_PRIORITY = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String portalSecret;
    private final List<String> portalRedirectUris;
    private final List<String> postLogoutRedirectUris;
    private final List<RealmUser> users;
    private final String importedPrivateKeyPem;
    private final String importedCertificatePem;
    private final Duration accessTokenLifespan;

    private DevRealm(String portalSecret, List<String> portalRedirectUris, List<String> postLogoutRedirectUris,
            List<RealmUser> users, String importedPrivateKeyPem, String importedCertificatePem, Duration accessTokenLifespan) {
        this.portalSecret = portalSecret;
        this.portalRedirectUris = List.copyOf(portalRedirectUris);
        this.postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        this.users = List.copyOf(users);
        this.importedPrivateKeyPem = importedPrivateKeyPem;
        this.importedCertificatePem = importedCertificatePem;
        this.accessTokenLifespan = accessTokenLifespan;
    }

    /**
     * The dev realm with users alice and olga; the portal client has secret {@code portalSecret} and
     * may redirect to {@code portalRedirectUris} after sign-in and to {@code postLogoutRedirectUris}
     * after sign-out (Keycloak's patterns: a trailing {@code *} is a wildcard).
     */
    public static DevRealm standard(String portalSecret, List<String> portalRedirectUris, List<String> postLogoutRedirectUris) {
        Objects.requireNonNull(portalSecret, "portalSecret");
        return new DevRealm(portalSecret, portalRedirectUris, postLogoutRedirectUris,
                List.of(RealmUser.tenant("alice", "Alice", "Tenant"), RealmUser.operator("olga", "Olga", "Operator")),
                null, null, Duration.ofMinutes(5));
    }

    /** The same realm with these users instead of the default alice and olga. */
    public DevRealm withUsers(List<RealmUser> newUsers) {
        return new DevRealm(portalSecret, portalRedirectUris, postLogoutRedirectUris, newUsers,
                importedPrivateKeyPem, importedCertificatePem, accessTokenLifespan);
    }

    /**
     * The same realm with one more RSA key (PEM private key, PKCS#8 or PKCS#1, and its certificate):
     * published in the realm's JWKS, at a lower priority than the key Keycloak generates, so Keycloak
     * keeps signing with its own key. Tests hold the private key to sign tokens Keycloak would accept.
     */
    public DevRealm withImportedRsaKey(String privateKeyPem, String certificatePem) {
        return new DevRealm(portalSecret, portalRedirectUris, postLogoutRedirectUris, users,
                Objects.requireNonNull(privateKeyPem, "privateKeyPem"), Objects.requireNonNull(certificatePem, "certificatePem"),
                accessTokenLifespan);
    }

    /** The same realm with access tokens valid for {@code lifespan} (default 5 minutes; whole seconds). */
    public DevRealm withAccessTokenLifespan(Duration lifespan) {
        if (lifespan.toSeconds() < 1) {
            throw new IllegalArgumentException("an access token lifespan is at least one second: " + lifespan);
        }
        return new DevRealm(portalSecret, portalRedirectUris, postLogoutRedirectUris, users,
                importedPrivateKeyPem, importedCertificatePem, lifespan);
    }

    public List<RealmUser> users() {
        return users;
    }

    public String portalSecret() {
        return portalSecret;
    }

    /** The realm as Keycloak's import JSON. */
    public String json() {
        ObjectNode realm = JSON.createObjectNode();
        realm.put("realm", REALM);
        realm.put("enabled", true);
        // dev and tests run plain HTTP on loopback; Keycloak's default ("external") allows that too,
        // but a developer who opens the portal by the machine's name should not hit "HTTPS required"
        realm.put("sslRequired", "none");
        realm.put("accessTokenLifespan", accessTokenLifespan.toSeconds());
        realm.put("registrationAllowed", false);
        realm.put("loginWithEmailAllowed", true);
        ArrayNode realmRoles = realm.putObject("roles").putArray("realm");
        realmRoles.addObject().put("name", OPERATOR_ROLE).put("description", "Gantry operator: reaches the operator routes");
        ArrayNode clients = realm.putArray("clients");
        clients.add(portalClient());
        clients.add(apiClient());
        clients.add(passwordGrantClient(CLI_CLIENT, true));
        clients.add(passwordGrantClient(OTHER_CLIENT, false));
        ArrayNode userArray = realm.putArray("users");
        users.forEach(u -> userArray.add(user(u)));
        if (importedPrivateKeyPem != null) {
            realm.putObject("components").set("org.keycloak.keys.KeyProvider", keyProviders());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(realm);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the realm JSON", e);
        }
    }

    private ObjectNode portalClient() {
        ObjectNode c = client(PORTAL_CLIENT, "Gantry portal");
        c.put("publicClient", false);
        c.put("clientAuthenticatorType", "client-secret");
        c.put("secret", portalSecret);
        c.put("standardFlowEnabled", true);
        c.put("directAccessGrantsEnabled", false);
        portalRedirectUris.forEach(c.withArray("redirectUris")::add);
        c.putArray("webOrigins").add("+");
        ObjectNode attributes = c.putObject("attributes");
        attributes.put("pkce.code.challenge.method", "S256");
        attributes.put("post.logout.redirect.uris", String.join("##", postLogoutRedirectUris));
        c.putArray("protocolMappers").add(apiAudienceMapper());
        return c;
    }

    private static ObjectNode apiClient() {
        ObjectNode c = client(API_CLIENT, "Gantry cloud API (an audience only)");
        c.put("publicClient", false);
        c.put("bearerOnly", true);
        c.put("standardFlowEnabled", false);
        c.put("directAccessGrantsEnabled", false);
        return c;
    }

    private static ObjectNode passwordGrantClient(String clientId, boolean apiAudience) {
        ObjectNode c = client(clientId, apiAudience ? "Gantry CLI and tests (password grant)" : "Another application (not the API's audience)");
        c.put("publicClient", true);
        c.put("standardFlowEnabled", false);
        c.put("directAccessGrantsEnabled", true);
        if (apiAudience) {
            c.putArray("protocolMappers").add(apiAudienceMapper());
        }
        return c;
    }

    private static ObjectNode client(String clientId, String name) {
        ObjectNode c = JSON.createObjectNode();
        c.put("clientId", clientId);
        c.put("name", name);
        c.put("enabled", true);
        c.put("protocol", "openid-connect");
        c.put("implicitFlowEnabled", false);
        c.put("serviceAccountsEnabled", false);
        c.put("frontchannelLogout", true);
        return c;
    }

    private static ObjectNode apiAudienceMapper() {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", API_CLIENT + " audience");
        m.put("protocol", "openid-connect");
        m.put("protocolMapper", "oidc-audience-mapper");
        ObjectNode config = m.putObject("config");
        config.put("included.client.audience", API_CLIENT);
        config.put("access.token.claim", "true");
        config.put("id.token.claim", "false");
        config.put("introspection.token.claim", "true");
        return m;
    }

    private static ObjectNode user(RealmUser u) {
        ObjectNode n = JSON.createObjectNode();
        n.put("username", u.username());
        n.put("enabled", true);
        n.put("email", u.email());
        n.put("emailVerified", true);
        n.put("firstName", u.firstName());
        n.put("lastName", u.lastName());
        n.putArray("requiredActions");
        ObjectNode credential = n.putArray("credentials").addObject();
        credential.put("type", "password");
        credential.put("value", u.password());
        credential.put("temporary", false);
        ArrayNode roles = n.putArray("realmRoles");
        roles.add("default-roles-" + REALM);
        u.realmRoles().forEach(roles::add);
        return n;
    }

    /**
     * Keycloak creates its generated keys only for a realm imported without key providers, so with
     * an imported key the generated ones are listed too, at the higher priority.
     */
    private ArrayNode keyProviders() {
        ArrayNode providers = JSON.createArrayNode();
        providers.add(keyProvider("rsa-generated", "rsa-generated", GENERATED_KEY_PRIORITY, Map.of("algorithm", "RS256")));
        providers.add(keyProvider("rsa-enc-generated", "rsa-enc-generated", GENERATED_KEY_PRIORITY, Map.of("algorithm", "RSA-OAEP")));
        providers.add(keyProvider("hmac-generated-hs512", "hmac-generated", GENERATED_KEY_PRIORITY, Map.of("algorithm", "HS512")));
        providers.add(keyProvider("aes-generated", "aes-generated", GENERATED_KEY_PRIORITY, Map.of()));
        providers.add(keyProvider("gantry-imported-rsa", "rsa", IMPORTED_KEY_PRIORITY,
                Map.of("algorithm", "RS256", "privateKey", importedPrivateKeyPem, "certificate", importedCertificatePem)));
        return providers;
    }

    private static ObjectNode keyProvider(String name, String providerId, int priority, Map<String, String> settings) {
        ObjectNode p = JSON.createObjectNode();
        p.put("name", name);
        p.put("providerId", providerId);
        p.putObject("subComponents");
        // a component's config values are lists of strings
        ObjectNode config = p.putObject("config");
        config.putArray("priority").add(Integer.toString(priority));
        config.putArray("enabled").add("true");
        config.putArray("active").add("true");
        settings.forEach((key, value) -> config.putArray(key).add(value));
        return p;
    }
}
