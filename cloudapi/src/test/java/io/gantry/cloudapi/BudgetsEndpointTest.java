package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /:login/budgets}: the caller's budgets as metering answers them (here a real HTTP server on loopback
 * with metering's JSON; with the real metering: platform's MeteringBudgetsTest), read-only, and a CloudAPI error
 * when metering is missing or down.
 */
class BudgetsEndpointTest {
    private static final String BUDGET = """
            {"name":"cap","metric":"cpu_hours","limit":2.0,"period":"day","policy":"stop","used":0.5,"remaining":1.5,\
            "period_start":"2026-03-01T00:00:00Z","period_end":"2026-03-02T00:00:00Z","state":"ok"}""";
    private static Vertx metering;
    private static HttpServer server;
    private static final List<String> asked = new CopyOnWriteArrayList<>();
    private static TestPlatform platform;
    private static TestPlatform withoutMetering;
    private static TestPlatform meteringDown;

    @BeforeAll
    static void start() throws Exception {
        metering = Vertx.vertx();
        server = metering.createHttpServer().requestHandler(req -> {
            asked.add(req.method() + " " + req.path());
            req.response().putHeader("Content-Type", "application/json").end("[" + BUDGET + "]");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        platform = new TestPlatform(Vertx.vertx(), 1, c -> withMetering(c, "http://127.0.0.1:" + server.actualPort()));
        withoutMetering = new TestPlatform(Vertx.vertx(), 1, c -> c);
        meteringDown = new TestPlatform(Vertx.vertx(), 1, c -> withMetering(c, "http://127.0.0.1:" + LoopbackPort.free()));
    }

    private static CloudApiConfig withMetering(CloudApiConfig c, String url) {
        return new CloudApiConfig(c.host(), c.port(), c.publicUrl(), c.datacenter(), c.database(), c.maxClockSkew(), url, c.eventLoops());
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestPlatform p : new TestPlatform[] {platform, withoutMetering, meteringDown}) {
            if (p != null) {
                p.close();
            }
        }
        if (metering != null) {
            metering.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theCallersBudgetsAreListed() throws Exception {
        SignedClient kim = platform.account("kim");
        var r = kim.get("/my/budgets");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.list()).singleElement().satisfies(b -> assertThat(b)
                .containsEntry("budget", "cap").containsEntry("by", "cpu_hours").containsEntry("value", 2.0)
                .containsEntry("used", 0.5).containsEntry("remaining", 1.5).containsEntry("period", "day")
                .containsEntry("policy", "stop").containsEntry("state", "ok")
                .containsEntry("period_start", "2026-03-01T00:00:00Z"));
        Object id = kim.get("/my").json().get("id");
        assertThat(asked).contains("GET /v1/accounts/" + id + "/budgets");
        assertThat(kim.get("/kim/budgets").status()).isEqualTo(200);
        BearerSignInTest.assertError(kim.get("/lee/budgets"), 403, "NotAuthorized", "not allowed to act as lee");
        // read-only: there is no way to change them here
        BearerSignInTest.assertError(kim.post("/my/budgets", Map.of("name", "x")), 404, "ResourceNotFound", "not a resource");
    }

    @Test
    void withoutMeteringOrWithItDownTheAnswerIsServiceUnavailable() throws Exception {
        BearerSignInTest.assertError(withoutMetering.account("mia").get("/my/budgets"), 503, "ServiceUnavailable",
                "no metering service configured");
        BearerSignInTest.assertError(meteringDown.account("ned").get("/my/budgets"), 503, "ServiceUnavailable", "cannot be reached");
    }
}
