package io.gantry.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Keycloak with the dev realm: one server for the class (a start costs ~20 s), one more for the side-by-side test. */
class KeycloakServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIRECT = "http://127.0.0.1:7070/callback";
    private static final String SIGNED_OUT = "http://127.0.0.1:7070/signed-out.html";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @TempDir
    static Path dir;
    static ImportableRsaKey importedKey;
    static KeycloakServer server;

    @BeforeAll
    static void start() throws IOException {
        importedKey = ImportableRsaKey.generate();
        DevRealm realm = DevRealm.standard("portal-secret", List.of(REDIRECT), List.of(SIGNED_OUT))
                .withImportedRsaKey(importedKey.privateKeyPem(), importedKey.certificatePem());
        server = KeycloakServer.start(dir.resolve("kc"), FreePort.onLoopback(), realm, System.out::println);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aliceGetsATokenForTheApiByPasswordGrant() throws Exception {
        JsonNode claims = payload(passwordToken(server, DevRealm.CLI_CLIENT, "alice", "alice-pw"));
        assertThat(claims.get("iss").asText()).isEqualTo(server.issuer()).isEqualTo(server.baseUrl() + "/realms/gantry");
        assertThat(audience(claims)).contains(DevRealm.API_CLIENT);
        assertThat(claims.get("preferred_username").asText()).isEqualTo("alice");
        assertThat(claims.get("email").asText()).isEqualTo("alice@example.com");
        assertThat(roles(claims)).doesNotContain(DevRealm.OPERATOR_ROLE);
    }

    @Test
    void olgaIsAnOperator() throws Exception {
        JsonNode claims = payload(passwordToken(server, DevRealm.CLI_CLIENT, "olga", "olga-pw"));
        assertThat(roles(claims)).contains(DevRealm.OPERATOR_ROLE);
        assertThat(audience(claims)).contains(DevRealm.API_CLIENT);
    }

    @Test
    void theOtherClientsTokensAreNotForTheApi() throws Exception {
        JsonNode claims = payload(passwordToken(server, DevRealm.OTHER_CLIENT, "alice", "alice-pw"));
        assertThat(claims.get("iss").asText()).isEqualTo(server.issuer());
        assertThat(audience(claims)).doesNotContain(DevRealm.API_CLIENT);
    }

    @Test
    void aWrongPasswordGetsNoToken() throws Exception {
        HttpResponse<String> refused = tokenResponse(server, DevRealm.CLI_CLIENT, "alice", "not-alice-pw");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("invalid_grant");
    }

    @Test
    void theImportedKeyIsPublishedButKeycloakSignsWithItsOwn() throws Exception {
        JsonNode jwks = JSON.readTree(get(server.issuer() + "/protocol/openid-connect/certs").body());
        BigInteger importedModulus = importedKey.publicKey().getModulus();
        List<JsonNode> imported = keys(jwks).stream()
                .filter(k -> k.has("n") && new BigInteger(1, Base64.getUrlDecoder().decode(k.get("n").asText())).equals(importedModulus))
                .toList();
        assertThat(imported).hasSize(1);
        assertThat(imported.get(0).get("alg").asText()).isEqualTo("RS256");
        String importedKid = imported.get(0).get("kid").asText();

        String signingKid = header(passwordToken(server, DevRealm.CLI_CLIENT, "alice", "alice-pw")).get("kid").asText();
        assertThat(signingKid).isNotEqualTo(importedKid);
        assertThat(keys(jwks)).anySatisfy(k -> {
            assertThat(k.get("kid").asText()).isEqualTo(signingKid);
            assertThat(k.get("alg").asText()).isEqualTo("RS256");
        });
    }

    @Test
    void thePortalMustUsePkce() throws Exception {
        String withoutPkce = authorizationUrl(Map.of());
        HttpResponse<String> refused = get(withoutPkce);
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location").orElseThrow())
                .startsWith(REDIRECT).contains("error=invalid_request").contains("code_challenge");

        HttpResponse<String> login = get(authorizationUrl(Map.of("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                "code_challenge_method", "S256")));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("kc-form-login");
    }

    @Test
    void aliceSignsInThroughTheLoginPageStraightBackToThePortal() throws Exception {
        HttpClient browser = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new PlainHttpCookieJar()).build();
        String loginPage = browser.send(HttpRequest.newBuilder(URI.create(authorizationUrl(Map.of(
                "code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method", "S256")))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher action = Pattern.compile("action=\"([^\"]+)\"").matcher(loginPage);
        assertThat(action.find()).as("the login form").isTrue();
        HttpResponse<String> signedIn = browser.send(HttpRequest.newBuilder(URI.create(action.group(1).replace("&amp;", "&")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", "alice", "password", "alice-pw")))).build(),
                HttpResponse.BodyHandlers.ofString());
        // no required action, no consent: the answer is the redirect to the portal with a code
        assertThat(signedIn.statusCode()).as(signedIn.headers() + "\n" + signedIn.body()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElseThrow()).startsWith(REDIRECT + "?").contains("code=");
    }

    @Test
    void signOutMayReturnOnlyToTheRegisteredPage() throws Exception {
        String endSession = server.issuer() + "/protocol/openid-connect/logout?client_id=gantry-portal&post_logout_redirect_uri=";
        HttpResponse<String> allowed = get(endSession + URLEncoder.encode(SIGNED_OUT, StandardCharsets.UTF_8));
        // without a session to end there is nothing to confirm: straight back to the portal's page
        assertThat(allowed.statusCode()).isEqualTo(302);
        assertThat(allowed.headers().firstValue("Location")).hasValue(SIGNED_OUT);
        HttpResponse<String> refused = get(endSession + URLEncoder.encode("http://127.0.0.1:7070/elsewhere", StandardCharsets.UTF_8));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Invalid redirect uri");
    }

    @Test
    void aSecondServerRunsBesideTheFirstAndLeavesNoProcessWhenClosed() throws Exception {
        int port = FreePort.onLoopback();
        DevRealm bobOnly = DevRealm.standard("other-secret", List.of(REDIRECT), List.of(SIGNED_OUT))
                .withUsers(List.of(RealmUser.tenant("bob", "Bob", "Tenant")))
                .withAccessTokenLifespan(Duration.ofSeconds(90));
        List<ProcessHandle> tree = new ArrayList<>();
        List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (KeycloakServer second = KeycloakServer.startInBackground(dir.resolve("kc2"), port, bobOnly, progress::add)
                .get(KeycloakServer.START_TIMEOUT.toSeconds() + 60, java.util.concurrent.TimeUnit.SECONDS)) {
            assertThat(progress).last().asString().startsWith("Keycloak: ready at http://127.0.0.1:" + port + "/realms/gantry");
            tree.add(ProcessHandle.of(second.pid()).orElseThrow());
            tree.addAll(tree.get(0).descendants().toList());
            assertThat(tree).as("kc.sh and Keycloak's JVM").hasSizeGreaterThanOrEqualTo(2);

            JsonNode bob = payload(passwordToken(second, DevRealm.CLI_CLIENT, "bob", "bob-pw"));
            assertThat(bob.get("iss").asText()).isEqualTo("http://127.0.0.1:" + port + "/realms/gantry");
            // Keycloak reads the clock once for iat and again for exp: a second may turn between the two on a busy machine
            assertThat(bob.get("exp").asLong() - bob.get("iat").asLong()).isBetween(90L, 91L);
            assertThat(tokenResponse(second, DevRealm.CLI_CLIENT, "alice", "alice-pw").body()).contains("invalid_grant");
            // the first server, with its own database, still answers with its own users
            assertThat(payload(passwordToken(server, DevRealm.CLI_CLIENT, "alice", "alice-pw")).get("iss").asText())
                    .isEqualTo(server.issuer());
        }
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
        assertThat(FreePort.isFree(port)).isTrue();
    }

    @Test
    void aPortInUseIsRefusedAtOnce() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeycloakServer.start(dir.resolve("kc3"), taken.getLocalPort(),
                    DevRealm.standard("s", List.of(REDIRECT), List.of(SIGNED_OUT)), line -> { }))
                    .isInstanceOf(IOException.class)
                    .hasMessage("port " + taken.getLocalPort() + " on 127.0.0.1 is in use: Keycloak needs a free port");
        }
    }

    static String authorizationUrl(Map<String, String> extra) {
        Map<String, String> query = new java.util.LinkedHashMap<>(Map.of("client_id", DevRealm.PORTAL_CLIENT, "response_type", "code",
                "scope", "openid", "redirect_uri", REDIRECT, "state", "s1", "nonce", "n1"));
        query.putAll(extra);
        return server.issuer() + "/protocol/openid-connect/auth?" + form(query);
    }

    static String passwordToken(KeycloakServer kc, String client, String user, String password) throws Exception {
        HttpResponse<String> response = tokenResponse(kc, client, user, password);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("access_token").asText();
    }

    static HttpResponse<String> tokenResponse(KeycloakServer kc, String client, String user, String password) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(kc.issuer() + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "password", "client_id", client,
                        "username", user, "password", password)))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static JsonNode header(String jwt) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    static JsonNode payload(String jwt) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static List<String> audience(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        return aud.isArray() ? StreamSupport.stream(aud.spliterator(), false).map(JsonNode::asText).toList() : List.of(aud.asText());
    }

    static List<String> roles(JsonNode claims) {
        return StreamSupport.stream(claims.path("realm_access").path("roles").spliterator(), false).map(JsonNode::asText).toList();
    }

    static List<JsonNode> keys(JsonNode jwks) {
        return StreamSupport.stream(jwks.get("keys").spliterator(), false).toList();
    }
}
