package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import io.vertx.core.Vertx;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two real cloud API instances (A, B) on one real PostgreSQL, each with its own cache of verified keys: whatever changes
 * an account or key is seen by both on the very next request, with no wait between the change's answer and the request.
 */
class KeyCacheInvalidationTest {
    private static TestPlatform platform;
    private static Vertx vertxB;
    private static CloudApi b;
    private static SignedClient operatorA;

    @BeforeAll
    static void start() throws Exception {
        platform = new TestPlatform(Vertx.vertx(), 2);
        vertxB = Vertx.vertx();
        b = CloudApi.start(vertxB, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "test-1", platform.db, null, null, 2));
        operatorA = platform.operator("op" + suffix());
        await().atMost(Duration.ofSeconds(10)).until(() -> platform.api.keyCache().live() && b.keyCache().live());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (b != null) {
                b.close();
            }
        } finally {
            vertxB.close().toCompletionStage().toCompletableFuture().get();
            platform.close();
        }
    }

    private static String suffix() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    /** An account and one key, with a client on each instance signing with it (the triton CLI's way). */
    private record Tenant(String login, KeyPair pair, SshPublicKey key, SignedClient onA, SignedClient onB) {
        Tenant withKey(KeyPair other) {
            SshPublicKey k = SshPublicKey.parse(TestKeys.openSsh(other, login));
            return new Tenant(login, other, k, new SignedClient(platform.url(), login, k.md5Fingerprint(), other).likeTritonCli(),
                    new SignedClient("http://127.0.0.1:" + b.port(), login, k.md5Fingerprint(), other).likeTritonCli());
        }
    }

    private static Tenant tenant() throws Exception {
        String login = "kc" + suffix();
        KeyPair pair = TestKeys.rsa();
        SshPublicKey key = SshPublicKey.parse(TestKeys.openSsh(pair, login));
        try (Seed seed = new Seed(platform.db)) {
            seed.key(seed.account(login, login + "@example.test"), "first", key);
        }
        return new Tenant(login, pair, key, null, null).withKey(pair);
    }

    /** Both instances answered {@code t} from their caches: each holds its key after a signed request. */
    private static void warm(Tenant t) {
        for (int i = 0; i < 3; i++) {
            assertThat(t.onA().get("/my").status()).isEqualTo(200);
            assertThat(t.onB().get("/my").status()).isEqualTo(200);
        }
        assertThat(platform.api.keyCache().get(t.login(), t.key().md5Fingerprint())).as("A's cache holds the key").isNotNull();
        assertThat(b.keyCache().get(t.login(), t.key().md5Fingerprint())).as("B's cache holds the key").isNotNull();
    }

    private static void assertRefused(SignedClient.Reply r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json()).containsEntry("code", code).containsKey("message");
    }

    @Test
    void aKeyDeletedThroughOneInstanceIsRefusedByTheOtherOnTheVeryNextRequest() throws Exception {
        Tenant t = tenant();
        Tenant second = t.withKey(TestKeys.rsa());
        assertThat(t.onA().post("/my/keys", Map.of("name", "second", "key", second.key().text())).status()).isEqualTo(201);
        warm(t);
        warm(second);

        var deleted = second.onA().delete("/my/keys/first");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertRefused(t.onB().get("/my"), 401, "InvalidCredentials");
        assertRefused(t.onA().get("/my"), 401, "InvalidCredentials");
        assertThat(second.onB().get("/my").status()).as("the other key still works").isEqualTo(200);
    }

    @Test
    void aDisabledAccountIsRefusedAtOnceOnBothAndAnEnabledOneAcceptedAtOnce() throws Exception {
        Tenant t = tenant();
        warm(t);

        var disabled = operatorA.post("/ops/accounts/" + t.login() + "?action=disable", Map.of());
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        assertRefused(t.onB().get("/my"), 403, "NotAuthorized");
        assertRefused(t.onA().get("/my"), 403, "NotAuthorized");

        var enabled = operatorA.post("/ops/accounts/" + t.login() + "?action=enable", Map.of());
        assertThat(enabled.status()).as(enabled.body()).isEqualTo(200);
        assertThat(t.onB().get("/my").status()).isEqualTo(200);
        assertThat(t.onA().get("/my").status()).isEqualTo(200);
    }

    @Test
    void aDeletedAccountIsRefusedAtOnceOnBoth() throws Exception {
        Tenant t = tenant();
        warm(t);

        var deleted = operatorA.delete("/ops/accounts/" + t.login());
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertRefused(t.onB().get("/my"), 401, "InvalidCredentials");
        assertRefused(t.onA().get("/my"), 401, "InvalidCredentials");
    }

    @Test
    void aKeyAddedIsAcceptedAtOnceEvenWhereItWasJustRefused() throws Exception {
        Tenant t = tenant();
        warm(t);
        Tenant added = t.withKey(TestKeys.rsa());
        assertRefused(added.onB().get("/my"), 401, "InvalidCredentials");

        var created = t.onA().post("/my/keys", Map.of("name", "added", "key", added.key().text()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(added.onB().get("/my").status()).isEqualTo(200);
    }

    @Test
    void anAccountChangedThroughTheApiShowsAtOnceOnTheOther() throws Exception {
        Tenant t = tenant();
        warm(t);
        String email = "new-" + suffix() + "@example.test";

        assertThat(t.onA().post("/my", Map.of("email", email)).status()).isEqualTo(200);
        assertThat(t.onB().get("/my").json()).containsEntry("email", email);
    }

    @Test
    void aChangeMadeInSqlReachesEveryCacheWithoutTheApi() throws Exception {
        Tenant t = tenant();
        warm(t);

        platform.execute("update accounts set disabled_at = now() where login = ?", t.login());
        // no barrier to wait for outside the API: the notice arrives a moment after the commit
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
            assertRefused(t.onB().get("/my"), 403, "NotAuthorized");
            assertRefused(t.onA().get("/my"), 403, "NotAuthorized");
        });
    }

    @Test
    void aCutListenerConnectionLeavesNoStaleAnswer() throws Exception {
        Tenant t = tenant();
        Tenant second = t.withKey(TestKeys.rsa());
        assertThat(t.onA().post("/my/keys", Map.of("name", "second", "key", second.key().text())).status()).isEqualTo(201);
        warm(t);
        warm(second);

        int pid = b.authChanges().listenerPid();
        assertThat(pid).isPositive();
        // waits until the backend is gone: B's LISTEN connection is closed under it
        assertThat(platform.scalar("select count(*) from pg_terminate_backend(?, 5000) where pg_terminate_backend", pid))
                .isEqualTo(1);

        // a change through A waits for B: B has no fresh acknowledgement to give until it listens again, empty
        var deleted = second.onA().delete("/my/keys/first");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertRefused(t.onB().get("/my"), 401, "InvalidCredentials");
        assertThat(b.authChanges().listenerPid()).as("B listens again, on a new connection").isPositive().isNotEqualTo(pid);

        // and once B listens again, its cache serves and hears changes made outside the API as before
        await().atMost(Duration.ofSeconds(10)).until(() -> b.keyCache().live());
        warm(second);
        int again = b.authChanges().listenerPid();
        assertThat(platform.scalar("select count(*) from pg_terminate_backend(?, 5000) where pg_terminate_backend", again))
                .isEqualTo(1);
        platform.execute("delete from account_keys where name = 'second' and account_id = (select id from accounts where login = ?)",
                t.login());
        assertRefused(second.onB().get("/my"), 401, "InvalidCredentials");
    }

    @Test
    void aFreshInstanceServesNothingFromItsCacheUntilItsListenerHasProvedItself() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            CloudApi c = CloudApi.start(vertx, new CloudApiConfig("127.0.0.1", 0, "http://127.0.0.1", "test-1", platform.db, null, null, 1));
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> c.keyCache().live());
                c.authChanges().close();
                assertThat(c.keyCache().live()).as("not listening: the cache is off").isFalse();
                Tenant t = tenant();
                SignedClient onC = new SignedClient("http://127.0.0.1:" + c.port(), t.login(), t.key().md5Fingerprint(), t.pair());
                assertThat(onC.get("/my").status()).isEqualTo(200);
                assertThat(c.keyCache().size()).as("nothing kept while not listening").isZero();
            } finally {
                c.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
