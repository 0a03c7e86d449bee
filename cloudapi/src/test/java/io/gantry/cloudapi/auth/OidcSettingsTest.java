package io.gantry.cloudapi.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.cloudapi.OidcSettings;
import org.junit.jupiter.api.Test;

class OidcSettingsTest {
    @Test
    void defaultsAreTheDesignsNames() {
        OidcSettings s = OidcSettings.of("http://127.0.0.1:7280/realms/gantry");
        assertThat(s.audience()).isEqualTo("gantry-api");
        assertThat(s.loginClaim()).isEqualTo("preferred_username");
        assertThat(s.operatorRole()).isEqualTo("operator");
        assertThat(new OidcSettings("https://sso.example/realms/gantry", " ", "", null).audience()).isEqualTo("gantry-api");
        assertThat(new OidcSettings("https://sso.example/realms/gantry", "api", "email", "admins"))
                .isEqualTo(new OidcSettings("https://sso.example/realms/gantry", "api", "email", "admins"));
    }

    @Test
    void theKeysAreAtKeycloaksJwksPath() {
        assertThat(OidcSettings.of("http://127.0.0.1:7280/realms/gantry").jwksUrl())
                .isEqualTo("http://127.0.0.1:7280/realms/gantry/protocol/openid-connect/certs");
        assertThat(OidcSettings.of("https://sso.example/realms/gantry/").jwksUrl())
                .isEqualTo("https://sso.example/realms/gantry/protocol/openid-connect/certs");
    }

    @Test
    void anIssuerMustBeAnHttpUrl() {
        assertThatThrownBy(() -> OidcSettings.of(null)).hasMessageContaining("the OIDC issuer is required");
        assertThatThrownBy(() -> OidcSettings.of("ftp://x")).hasMessage("the OIDC issuer must be an http:// or https:// URL, not ftp://x");
        assertThatThrownBy(() -> OidcSettings.of("realms/gantry")).hasMessageContaining("must be an http:// or https:// URL");
        assertThatThrownBy(() -> OidcSettings.of("http://bad host/")).hasMessageContaining("is not a URL");
    }
}
