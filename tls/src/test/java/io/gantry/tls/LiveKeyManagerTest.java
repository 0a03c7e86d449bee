package io.gantry.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveKeyManagerTest {
    @Test
    void aHandshakeThatChoseItsAliasBeforeASwapKeepsItsPairAndTheNextGetsTheNewOne(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CertificateAuthority ca = CertificateAuthority.in(dir.resolve("ca"));
            TlsFiles first = ca.issue(dir.resolve("a.pem"), dir.resolve("a.key"), 2);
            TlsFiles second = ca.issue(dir.resolve("b.pem"), dir.resolve("b.key"), 2);
            LiveKeyManager live = new LiveKeyManager(first.keyManager(vertx));

            String before = live.chooseEngineServerAlias("RSA", null, null);
            X509Certificate served = live.getCertificateChain(before)[0];
            live.swap(second.keyManager(vertx));
            String after = live.chooseEngineServerAlias("RSA", null, null);

            assertThat(live.getCertificateChain(before)[0]).isEqualTo(served);
            assertThat(live.getPrivateKey(before)).isNotNull();
            assertThat(live.getCertificateChain(after)[0].getSerialNumber()).isNotEqualTo(served.getSerialNumber());
            live.swap(first.keyManager(vertx));
            assertThat(live.getCertificateChain(before)).as("two swaps later the first generation is gone").isNull();
            assertThat(live.getCertificateChain("no-generation")).isNull();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
