package io.gantry.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.keycloak.DevRealm;
import io.gantry.keycloak.ImportableRsaKey;
import io.gantry.keycloak.KeycloakServer;
import io.gantry.keycloak.RealmUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The test JVM's real Keycloak server, started on first use (about 20 s; the first ever start on a
 * machine also unpacks and augments the distribution, about a minute more) and stopped, its
 * directory under {@code java.io.tmpdir} removed, when the JVM ends. Realm {@code gantry}
 * ({@link DevRealm}) with tenants alice and bob, operator olga (passwords {@code <name>-pw}), the
 * portal client's secret {@link #PORTAL_SECRET} with redirects allowed to any port of 127.0.0.1 and
 * localhost, and an RSA key the fixture also holds, imported into the realm (published in its JWKS,
 * never used by Keycloak itself): {@link #forge} signs with it.
 */
public final class KeycloakFixture {
    public static final String PORTAL_SECRET = "gantry-portal-test-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeycloakFixture shared;

    private final KeycloakServer server;
    private final Path dir;
    private final ImportableRsaKey importedKey;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String importedKid;

    private KeycloakFixture(KeycloakServer server, Path dir, ImportableRsaKey importedKey) {
        this.server = server;
        this.dir = dir;
        this.importedKey = importedKey;
    }

    /** The test JVM's server, started on the first call (other callers wait for it). */
    public static synchronized KeycloakFixture shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "keycloak-fixture-stop"));
        }
        return shared;
    }

    private static KeycloakFixture start() {
        try {
            Path dir = Files.createTempDirectory("gantry-keycloak-");
            ImportableRsaKey key = ImportableRsaKey.generate();
            List<String> anyLoopbackPort = List.of("http://127.0.0.1*", "http://localhost*", "https://127.0.0.1*", "https://localhost*");
            DevRealm realm = DevRealm.standard(PORTAL_SECRET, anyLoopbackPort, anyLoopbackPort)
                    .withUsers(List.of(RealmUser.tenant("alice", "Alice", "Tenant"), RealmUser.tenant("bob", "Bob", "Tenant"),
                            RealmUser.operator("olga", "Olga", "Operator")))
                    .withImportedRsaKey(key.privateKeyPem(), key.certificatePem());
            KeycloakServer server = KeycloakServer.start(dir, LoopbackPort.free(), realm, line -> System.out.println("[keycloak-fixture] " + line));
            return new KeycloakFixture(server, dir, key);
        } catch (IOException e) {
            throw new UncheckedIOException("the test Keycloak did not start: " + e.getMessage(), e);
        }
    }

    /** {@code http://127.0.0.1:<port>/realms/gantry} */
    public String issuer() {
        return server.issuer();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return server.baseUrl();
    }

    public KeycloakServer server() {
        return server;
    }

    /** An access token by the password grant (the client must allow it: gantry-cli or gantry-other). */
    public String passwordToken(String client, String user, String password) {
        HttpResponse<String> response = post(issuer() + "/protocol/openid-connect/token",
                Map.of("grant_type", "password", "client_id", client, "username", user, "password", password));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("no token for " + user + " from client " + client + ": " + response.statusCode() + " "
                    + response.body());
        }
        return field(response.body(), "access_token");
    }

    /** A real access token of {@code user} for the API (client gantry-cli, password {@code <user>-pw}). */
    public String token(String user) {
        return passwordToken(DevRealm.CLI_CLIENT, user, user + "-pw");
    }

    /** The claims of a fresh real token of {@code user}, as a mutable map: a start for a forged token. */
    public Map<String, Object> claimsOf(String user) {
        return Jwt.claims(token(user));
    }

    /**
     * A token signed (RS256) with the RSA key imported into the realm: {@code header} defaults to
     * {@code alg RS256, typ JWT} and the {@code kid} Keycloak publishes for that key, and the caller's
     * entries win (the signature stays RS256 whatever {@code alg} says).
     */
    public String forge(Map<String, Object> header, Map<String, Object> claims) {
        Map<String, Object> fullHeader = new LinkedHashMap<>();
        fullHeader.put("alg", "RS256");
        fullHeader.put("typ", "JWT");
        fullHeader.put("kid", importedKid());
        fullHeader.putAll(header);
        return Jwt.rs256(fullHeader, claims, importedKey.privateKey());
    }

    /** The kid under which the realm's JWKS publishes the imported key. */
    public synchronized String importedKid() {
        if (importedKid == null) {
            BigInteger modulus = importedKey.publicKey().getModulus();
            JsonNode keys = tree(get(issuer() + "/protocol/openid-connect/certs").body()).path("keys");
            for (JsonNode key : keys) {
                if (key.has("n") && new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText())).equals(modulus)) {
                    importedKid = key.get("kid").asText();
                }
            }
            if (importedKid == null) {
                throw new IllegalStateException("the realm's JWKS does not publish the imported key: " + keys);
            }
        }
        return importedKid;
    }

    /** The PEM public key Keycloak signs the realm's tokens with (the realm's {@code public_key}). */
    public String realmPublicKeyPem() {
        String base64 = field(get(issuer()).body(), "public_key");
        return "-----BEGIN PUBLIC KEY-----\n" + String.join("\n", base64.split("(?<=\\G.{64})")) + "\n-----END PUBLIC KEY-----\n";
    }

    private void stop() {
        server.close();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the JVM is ending; a leftover temp directory is all that is lost
        }
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private HttpResponse<String> post(String url, Map<String, String> form) {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("Keycloak did not answer " + request.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String field(String json, String name) {
        JsonNode value = tree(json).get(name);
        if (value == null) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return value.asText();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
