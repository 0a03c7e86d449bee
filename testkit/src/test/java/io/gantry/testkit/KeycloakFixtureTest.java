package io.gantry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared test Keycloak: real tokens, forged ones that verify against the realm's published keys. */
class KeycloakFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void realTokensAreForTheApiAndNameTheUser() {
        KeycloakFixture kc = KeycloakFixture.shared();
        for (String user : List.of("alice", "bob", "olga")) {
            Map<String, Object> claims = Jwt.claims(kc.token(user));
            assertThat(claims).containsEntry("iss", kc.issuer()).containsEntry("preferred_username", user);
            assertThat(audience(claims)).contains("gantry-api");
        }
        assertThat(kc.issuer()).isEqualTo(kc.baseUrl() + "/realms/gantry").startsWith("http://127.0.0.1:");
        assertThat(audience(Jwt.claims(kc.passwordToken("gantry-other", "alice", "alice-pw")))).doesNotContain("gantry-api");
    }

    @Test
    void aForgedTokenVerifiesAgainstThePublishedKeyOfItsKid() throws Exception {
        KeycloakFixture kc = KeycloakFixture.shared();
        Map<String, Object> claims = kc.claimsOf("alice");
        claims.put("exp", Instant.now().getEpochSecond() - 60);
        String forged = kc.forge(Map.of(), claims);

        Map<String, Object> header = Jwt.header(forged);
        assertThat(header).containsEntry("alg", "RS256").containsEntry("kid", kc.importedKid());
        assertThat(((Number) Jwt.claims(forged).get("exp")).longValue()).isEqualTo(claims.get("exp"));
        assertThat(Jwt.claims(forged)).containsEntry("preferred_username", "alice");
        assertThat(verifies(forged, jwksKey(kc, kc.importedKid()))).isTrue();
        assertThat(verifies(forged.substring(0, forged.length() - 4) + "AAAA", jwksKey(kc, kc.importedKid()))).isFalse();

        assertThat(Jwt.header(kc.forge(Map.of("kid", "someone-else"), claims))).containsEntry("kid", "someone-else");
    }

    @Test
    void keycloakSignsWithItsOwnKeyWhosePemTheFixtureGives() throws Exception {
        KeycloakFixture kc = KeycloakFixture.shared();
        String real = kc.token("alice");
        assertThat(Jwt.header(real).get("kid")).isNotEqualTo(kc.importedKid());
        String pem = kc.realmPublicKeyPem();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        PublicKey realmKey = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        assertThat(verifies(real, realmKey)).isTrue();
        assertThat(verifies(kc.forge(Map.of(), Jwt.claims(real)), realmKey)).isFalse();
    }

    @Test
    void thePortalClientMayReturnToAnyLoopbackPort() throws Exception {
        KeycloakFixture kc = KeycloakFixture.shared();
        int port = LoopbackPort.free();
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(kc.issuer() + "/protocol/openid-connect/auth"
                + "?client_id=gantry-portal&response_type=code&scope=openid&state=s&redirect_uri=http%3A%2F%2F127.0.0.1%3A" + port
                + "%2Fcallback&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("kc-form-login");

        HttpResponse<String> signedOut = http.send(HttpRequest.newBuilder(URI.create(kc.issuer() + "/protocol/openid-connect/logout"
                + "?client_id=gantry-portal&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A" + port + "%2Fsigned-out.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().firstValue("Location")).hasValue("http://localhost:" + port + "/signed-out.html");

        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(kc.issuer() + "/protocol/openid-connect/auth"
                + "?client_id=gantry-portal&response_type=code&scope=openid&state=s&redirect_uri=http%3A%2F%2Fexample.com%2Fcallback"
                + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(400);
    }

    @Test
    void handWrittenTokensCarryWhatTheyAreGiven() {
        Map<String, Object> claims = Map.of("sub", "x", "aud", "gantry-api");
        String none = Jwt.unsigned(Map.of("alg", "none"), claims);
        assertThat(none).endsWith(".");
        assertThat(Jwt.header(none)).containsEntry("alg", "none");
        String hs = Jwt.hs256(Map.of("alg", "HS256"), claims, "k".getBytes(StandardCharsets.UTF_8));
        assertThat(hs.split("\\.")).hasSize(3);
        assertThat(Jwt.claims(hs)).isEqualTo(claims);
        assertThat(hs).isNotEqualTo(Jwt.hs256(Map.of("alg", "HS256"), claims, "other".getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean verifies(String jwt, PublicKey key) throws Exception {
        int dot = jwt.lastIndexOf('.');
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initVerify(key);
        rsa.update(jwt.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
        try {
            return rsa.verify(Base64.getUrlDecoder().decode(jwt.substring(dot + 1)));
        } catch (java.security.SignatureException | IllegalArgumentException e) {
            return false;
        }
    }

    private static PublicKey jwksKey(KeycloakFixture kc, String kid) throws Exception {
        HttpResponse<String> certs = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(kc.issuer() + "/protocol/openid-connect/certs")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode key : JSON.readTree(certs.body()).get("keys")) {
            if (key.get("kid").asText().equals(kid)) {
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, Base64.getUrlDecoder().decode(key.get("n").asText())),
                        new BigInteger(1, Base64.getUrlDecoder().decode(key.get("e").asText()))));
            }
        }
        throw new AssertionError("no key " + kid + " in " + certs.body());
    }

    @SuppressWarnings("unchecked")
    private static List<String> audience(Map<String, Object> claims) {
        Object aud = claims.get("aud");
        return aud instanceof List<?> list ? (List<String>) list : List.of(String.valueOf(aud));
    }
}
