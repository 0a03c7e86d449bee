package io.gantry.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The small parts of sign-in: PKCE's S256, where a browser may be sent back to, and the settings' checks. */
class SignInPartsTest {
    @Test
    void s256IsRfc7636sExample() {
        // RFC 7636, appendix B
        assertThat(Pkce.s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void aVerifierIsLongEnoughUnreservedAndNewEachTime() {
        Pkce a = Pkce.generate();
        Pkce b = Pkce.generate();
        assertThat(a.verifier()).matches("[A-Za-z0-9_-]{43,128}");
        assertThat(a.verifier()).isNotEqualTo(b.verifier());
        assertThat(a.challenge()).isEqualTo(Pkce.s256(a.verifier()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/keys.html", "/machine.html?id=6f1c3d2e-0000-4000-8000-000000000001", "/usage.html?granularity=day"})
    void aLocalPageIsWhereTheBrowserReturns(String page) {
        assertThat(SignInRoutes.safeReturn(page)).isEqualTo(page);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"//evil.example/", "/\\evil.example", "https://evil.example/", "evil.html", "/signin?return=/x", "/callback",
            "/keys.html\r\nSet-Cookie: x=y"})
    void anythingElseReturnsToTheMachinesPage(String requested) {
        assertThat(SignInRoutes.safeReturn(requested)).isEqualTo("/machines.html");
    }

    @Test
    void settingsAreCheckedWithTheOptionNamed() {
        assertThatThrownBy(() -> PortalConfig.of("127.0.0.1", 0, "http://127.0.0.1:1", "http://127.0.0.1:2/realms/gantry", null))
                .hasMessageContaining("--oidc-client-secret-file");
        assertThatThrownBy(() -> PortalConfig.of("127.0.0.1", 0, "ftp://x", null, null)).hasMessageContaining("--cloudapi-url");
        assertThatThrownBy(() -> PortalConfig.of("127.0.0.1", 0, null, null, null)).hasMessageContaining("--cloudapi-url");
        assertThatThrownBy(() -> PortalConfig.of("127.0.0.1", 0, "http://127.0.0.1:1", null, null).withSessionIdle(Duration.ofSeconds(5)))
                .hasMessageContaining("at least a minute");
        PortalConfig ok = PortalConfig.of("127.0.0.1", 0, "http://127.0.0.1:1/", "http://127.0.0.1:2/realms/gantry/", "s")
                .withPublicUrl("https://portal.example/");
        assertThat(ok.cloudApiUrl()).isEqualTo("http://127.0.0.1:1");
        assertThat(ok.issuer()).isEqualTo("http://127.0.0.1:2/realms/gantry");
        assertThat(ok.publicUrl()).isEqualTo("https://portal.example");
        assertThat(ok.signInConfigured()).isTrue();
        assertThat(PortalConfig.of("127.0.0.1", 0, "http://127.0.0.1:1", " ", null).signInConfigured()).isFalse();
    }
}
