package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.BearerClient;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.KeycloakFixture;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * `gantry cloudapi` as its own process, configured by a $GANTRY_CONFIG file naming the real Keycloak's realm
 * (`oidc-issuer=`): it says it takes that issuer's tokens, and a tenant's token from Keycloak gets the tenant's
 * account, created at this first sign-in.
 */
class CloudApiRoleBearerTest {
    @Test
    void theRoleTakesTheConfiguredIssuersTokens() throws Exception {
        KeycloakFixture keycloak = KeycloakFixture.shared();
        Path work = Files.createTempDirectory("gantry-api-oidc-");
        int apiPort = LoopbackPort.free();
        FreshDatabase pg = TestPostgres.shared().freshDatabase("api_oidc");
        try (ChildRoles roles = new ChildRoles()) {
            Path config = work.resolve("cloudapi.properties");
            Files.writeString(config, String.join("\n", "port=" + apiPort, "metrics-port=-1", "db-host=127.0.0.1", "db-port=" + pg.port(),
                    "db-name=" + pg.name(), "db-user=" + pg.user(), "db-password=" + pg.password(), "oidc-issuer=" + keycloak.issuer(), ""));
            Path log = work.resolve("cloudapi.log");
            Process api = roles.start(log, Map.of("GANTRY_CONFIG", config.toString()), "cloudapi");
            ChildRoles.awaitLine(api, log, "bearer tokens of " + keycloak.issuer() + " for audience gantry-api accepted");

            var me = new BearerClient("http://127.0.0.1:" + apiPort, keycloak.token("bob")).get("/my");
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            assertThat(me.json()).containsEntry("login", "bob");
            var other = new BearerClient("http://127.0.0.1:" + apiPort, keycloak.passwordToken("gantry-other", "bob", "bob-pw")).get("/my");
            assertThat(other.status()).as(other.body()).isEqualTo(401);
            assertThat(other.json().get("message").toString()).contains("wrong audience");
        } finally {
            io.gantry.agent.host.Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
