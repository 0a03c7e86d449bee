package io.gantry.cloudapi;

import io.gantry.cloudapi.auth.LocalIssuer;
import io.vertx.core.Vertx;

/** A {@link TestPlatform} whose cloud API also takes bearer tokens of a stand-in {@link LocalIssuer}; closes both. */
final class PlatformWithIssuer implements AutoCloseable {
    final LocalIssuer issuer;
    final TestPlatform platform;

    private PlatformWithIssuer(LocalIssuer issuer, TestPlatform platform) {
        this.issuer = issuer;
        this.platform = platform;
    }

    /** Starts the issuer and then the platform on {@code eventLoops} event loops (0: one per core). */
    static PlatformWithIssuer start(int eventLoops) throws Exception {
        LocalIssuer issuer = new LocalIssuer();
        try {
            return new PlatformWithIssuer(issuer, new TestPlatform(Vertx.vertx(), eventLoops, config -> config.withOidc(issuer.settings())));
        } catch (Exception | Error e) {
            issuer.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            platform.close();
        } finally {
            issuer.close();
        }
    }
}
