package io.gantry.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The realm JSON itself; {@link KeycloakServerTest} shows the real Keycloak does what it says. */
class DevRealmTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DevRealm realm = DevRealm.standard("s3cret", List.of("http://127.0.0.1:7070/callback"),
            List.of("http://127.0.0.1:7070/signed-out.html", "http://localhost:7070/signed-out.html"));

    @Test
    void thePortalClientIsConfidentialWithPkceAndItsSignOutPages() throws Exception {
        JsonNode portal = client(JSON.readTree(realm.json()), DevRealm.PORTAL_CLIENT);
        assertThat(portal.get("publicClient").asBoolean()).isFalse();
        assertThat(portal.get("secret").asText()).isEqualTo("s3cret");
        assertThat(portal.get("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(portal.at("/attributes/pkce.code.challenge.method").asText()).isEqualTo("S256");
        assertThat(portal.at("/attributes/post.logout.redirect.uris").asText())
                .isEqualTo("http://127.0.0.1:7070/signed-out.html##http://localhost:7070/signed-out.html");
    }

    @Test
    void defaultUsersAreAliceAndOperatorOlgaWithNothingLeftToSetUp() throws Exception {
        JsonNode users = JSON.readTree(realm.json()).get("users");
        assertThat(users).hasSize(2);
        assertThat(users.get(0).get("username").asText()).isEqualTo("alice");
        assertThat(texts(users.get(1).get("realmRoles"))).contains(DevRealm.OPERATOR_ROLE);
        for (JsonNode user : users) {
            assertThat(user.get("emailVerified").asBoolean()).isTrue();
            assertThat(user.get("requiredActions")).isEmpty();
            assertThat(user.at("/credentials/0/temporary").asBoolean()).isFalse();
        }
        JsonNode replaced = JSON.readTree(realm.withUsers(List.of(RealmUser.tenant("bob", "Bob", "B"))).json()).get("users");
        assertThat(replaced).hasSize(1);
        assertThat(replaced.at("/0/credentials/0/value").asText()).isEqualTo("bob-pw");
    }

    @Test
    void anImportedKeyRanksBelowTheKeysKeycloakGenerates() throws Exception {
        JsonNode providers = JSON.readTree(realm.withImportedRsaKey("PRIVATE", "CERT").json())
                .at("/components/org.keycloak.keys.KeyProvider");
        JsonNode imported = StreamSupport.stream(providers.spliterator(), false)
                .filter(p -> p.get("providerId").asText().equals("rsa")).findFirst().orElseThrow();
        JsonNode generated = StreamSupport.stream(providers.spliterator(), false)
                .filter(p -> p.get("providerId").asText().equals("rsa-generated")).findFirst().orElseThrow();
        assertThat(imported.at("/config/privateKey/0").asText()).isEqualTo("PRIVATE");
        assertThat(imported.at("/config/certificate/0").asText()).isEqualTo("CERT");
        assertThat(imported.at("/config/priority/0").asInt()).isLessThan(generated.at("/config/priority/0").asInt());
        assertThat(JSON.readTree(realm.json()).has("components")).as("no key import: Keycloak makes its own keys").isFalse();
    }

    @Test
    void accessTokenLifespanIsInWholeSeconds() throws Exception {
        assertThat(JSON.readTree(realm.json()).get("accessTokenLifespan").asLong()).isEqualTo(300);
        assertThat(JSON.readTree(realm.withAccessTokenLifespan(Duration.ofSeconds(42)).json()).get("accessTokenLifespan").asLong())
                .isEqualTo(42);
        assertThatThrownBy(() -> realm.withAccessTokenLifespan(Duration.ofMillis(10))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheCliClientAndThePortalPutTheApiInTheAudience() throws Exception {
        JsonNode json = JSON.readTree(realm.json());
        assertThat(client(json, DevRealm.CLI_CLIENT).at("/protocolMappers/0/config/included.client.audience").asText())
                .isEqualTo(DevRealm.API_CLIENT);
        assertThat(client(json, DevRealm.OTHER_CLIENT).has("protocolMappers")).isFalse();
        assertThat(client(json, DevRealm.PORTAL_CLIENT).at("/protocolMappers/0/config/included.client.audience").asText())
                .isEqualTo(DevRealm.API_CLIENT);
    }

    private static JsonNode client(JsonNode realmJson, String clientId) {
        return StreamSupport.stream(realmJson.get("clients").spliterator(), false)
                .filter(c -> c.get("clientId").asText().equals(clientId)).findFirst().orElseThrow();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
