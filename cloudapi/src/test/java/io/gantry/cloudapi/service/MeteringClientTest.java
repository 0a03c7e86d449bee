package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.usage.BudgetStatus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cloud API reads metering's budgets (its JSON, served by a real HTTP server on loopback) into the typed contract. */
class MeteringClientTest {
    private static final String STOP_EXCEEDED = """
            {"name":"cap","metric":"cpu_hours","limit":2.0,"period":"day","policy":"stop","used":2.5,"remaining":0.0,\
            "period_start":"2026-03-01T00:00:00Z","period_end":"2026-03-02T00:00:00Z","state":"exceeded",\
            "breached_at":"2026-03-01T10:00:00Z"}""";
    private static final String THROTTLE_EXCEEDED = """
            {"name":"slow","metric":"cpu_hours","limit":1.0,"period":"day","policy":"throttle","throttle_cpu_cap":10,"used":3.0,\
            "remaining":0.0,"period_start":"2026-03-01T00:00:00Z","period_end":"2026-03-02T00:00:00Z","state":"exceeded",\
            "breached_at":"2026-03-01T09:00:00Z"}""";

    private Vertx vertx;
    private HttpServer server;
    private final AtomicReference<String> budgets = new AtomicReference<>("[]");
    private MeteringClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(req -> req.response().putHeader("Content-Type", "application/json")
                        .end(req.path().endsWith("/budgets") ? budgets.get() : "{\"code\":\"ResourceNotFound\",\"message\":\"no\"}"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new MeteringClient(vertx, "http://127.0.0.1:" + server.actualPort());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void budgetsArriveAsTypedStatuses() throws Exception {
        budgets.set("[" + THROTTLE_EXCEEDED + "," + STOP_EXCEEDED + "]");
        List<BudgetStatus> read = await(client.budgets(UUID.randomUUID()));
        assertThat(read).containsExactly(
                new BudgetStatus("slow", "cpu_hours", 1.0, "day", "throttle", 10, 3.0, 0.0, Instant.parse("2026-03-01T00:00:00Z"),
                        Instant.parse("2026-03-02T00:00:00Z"), "exceeded", Instant.parse("2026-03-01T09:00:00Z")),
                new BudgetStatus("cap", "cpu_hours", 2.0, "day", "stop", null, 2.5, 0.0, Instant.parse("2026-03-01T00:00:00Z"),
                        Instant.parse("2026-03-02T00:00:00Z"), "exceeded", Instant.parse("2026-03-01T10:00:00Z")));
        assertThat(read).extracting(BudgetStatus::stopsMachines).containsExactly(false, true);
    }

    @Test
    void anExceededStopBudgetRefusesToRunAndSaysWhichAndUntilWhen() {
        budgets.set("[" + THROTTLE_EXCEEDED + "," + STOP_EXCEEDED + "]");
        assertThatThrownBy(() -> await(client.checkMayRun(UUID.randomUUID(), "ann")))
                .cause().isInstanceOfSatisfying(GantryException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.QuotaExceeded);
                    assertThat(e.getMessage()).isEqualTo("account ann is over its stop budget 'cap' (cpu_hours 2.5 of 2.0 this day);"
                            + " machines cannot be started or created until the period ends at 2026-03-02T00:00:00Z"
                            + " or an operator raises the budget");
                });
    }

    @Test
    void onlyAnExceededStopBudgetRefuses() throws Exception {
        budgets.set("[" + THROTTLE_EXCEEDED + "," + STOP_EXCEEDED.replace("\"exceeded\"", "\"ok\"") + "]");
        assertThat(await(client.checkMayRun(UUID.randomUUID(), "ann"))).isNull();
    }

    @Test
    void unreadableBudgetsDoNotBlockARun() throws Exception {
        budgets.set("{\"not\":\"a list\"}");
        assertThat(await(client.checkMayRun(UUID.randomUUID(), "ann"))).isNull();
        assertThatThrownBy(() -> await(client.budgets(UUID.randomUUID()))).cause().isInstanceOf(GantryException.class);
    }
}
