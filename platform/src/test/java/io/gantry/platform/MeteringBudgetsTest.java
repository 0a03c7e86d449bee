package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.agent.usage.UsageMetering;
import io.gantry.agent.usage.ZkMeteringEndpoints;
import io.gantry.cloudapi.Seed;
import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.metering.MeteringConfig;
import io.gantry.metering.MeteringService;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Budgets enforced on real runc zones through the whole path: agent sampling, metering roll-up and
 * enforcement, the provisioner's jobs, the agent's tasks. Four tenants burn half a CPU each: one
 * over a throttle budget, one over a stop budget, one over a notify budget, one under its budget,
 * which then meets the provisioning limit an operator sets through the cloud API. Needs root and runc.
 */
@Tag("zones")
class MeteringBudgetsTest {
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /** 0.72 CPU-seconds: crossed after about 1.5 s of burning at a 50% cap. */
    private static final double TINY_CPU_HOURS = 0.0002;

    @Test
    void overBudgetTenantsAreThrottledStoppedOrNotifiedAndOthersAreUntouched() throws Exception {
        assumeThat(HostProbe.whyNoRealZones()).as("needs root and runc").isEmpty();
        Path work = Files.createTempDirectory("gantry-budgets-");
        String node = "bu" + ProcessHandle.current().pid() % 1000;
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(work.resolve(node), node));
        Vertx vertx = Vertx.vertx();
        int meteringPort = LoopbackPort.free();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ControlPlaneFixture fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
             ControlPlaneFixture.Plane plane = fixture.plane("http://127.0.0.1:" + meteringPort)) {
            MeteringService metering = plane.closeLater(MeteringService.start(vertx, plane.client(),
                    MeteringConfig.of(plane.db.jdbcUrl(), plane.db.user(), plane.db.password()).withListen("127.0.0.1", meteringPort), registry));
            String imageId = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("busybox.tar")),
                    BusyboxImage.NAME).id();
            UUID image;
            try (Seed seed = new Seed(plane.db)) {
                seed.pkg("half-cpu", 128, 256, 1, 50, 128, "half a CPU", false);
                image = seed.image("busybox-real", "1.0.0", "other", imageId, "busybox as the node imported it");
            }
            var agentZk = plane.client();
            UsageMetering usage = plane.closeLater(UsageMetering.start(backend, node, UsageConfig.defaults(work.resolve(node)),
                    ZkMeteringEndpoints.start(agentZk), registry));
            var advert = new NodeAdvert(node, "127.0.0.1", "runc", new NodeCapacity(4096, 100_000, 2), Map.of(), Instant.now());
            NodeCoordinator coordinator = plane.closeLater(NodeCoordinator.start(agentZk, usage.backend(), advert, work.resolve(node),
                    Duration.ofMillis(500)));
            assertThat(coordinator.membership().awaitAdvertised(Duration.ofSeconds(10))).isTrue();
            plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE);

            Map<String, SignedClient> tenants = new java.util.LinkedHashMap<>();
            Map<String, UUID> machines = new java.util.LinkedHashMap<>();
            for (String login : List.of("thr", "stp", "ntf", "free")) {
                SignedClient t = plane.account(login);
                tenants.put(login, t);
                var r = t.post("/my/machines", Map.of("name", login + "-1", "image", image.toString(), "package", "half-cpu"));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
                machines.put(login, UUID.fromString(r.json().get("id").toString()));
            }
            Poll.until(SETTLE, () -> machines.forEach((login, id) ->
                    assertThat(tenants.get(login).get("/my/machines/" + id).state()).as(login).isEqualTo("running")));
            putBudget(metering.baseUrl(), "thr", "cpu", Map.of("metric", "cpu_hours", "limit", TINY_CPU_HOURS, "period", "day",
                    "policy", "throttle", "throttle_cpu_cap", 10));
            putBudget(metering.baseUrl(), "stp", "cpu", Map.of("metric", "cpu_hours", "limit", TINY_CPU_HOURS, "period", "day", "policy", "stop"));
            String set = ChildRoles.inProcess("budget", "set", "ntf", "cpu", "--metric", "cpu_hours", "--limit", Double.toString(TINY_CPU_HOURS),
                    "--period", "day", "--policy", "notify", "--metering-url", metering.baseUrl());
            assertThat(set).as("the operator's command").contains("\"policy\" : \"notify\"");
            putBudget(metering.baseUrl(), "free", "cpu", Map.of("metric", "cpu_hours", "limit", 1.0, "period", "day", "policy", "throttle"));

            List<CompletableFuture<?>> burns = new ArrayList<>();
            for (UUID id : machines.values()) {
                burns.add(CompletableFuture.runAsync(() -> Cmd.run("runc", "--root", backend.config().runcRoot().toString(), "exec",
                        id.toString(), "sh", "-c", "timeout 8 sh -c 'while :; do :; done'; true")));
            }
            Instant burnStarted = Instant.now();

            Path thrQuota = cgroupFile(node, machines.get("thr"), "cpu", "cpu.cfs_quota_us");
            Poll.until(SETTLE, () -> assertThat(Files.readString(thrQuota).strip()).as("throttled to 10% of a CPU").isEqualTo("10000"));
            Duration toThrottle = Duration.between(burnStarted, Instant.now());
            Poll.until(SETTLE, () -> assertThat(tenants.get("stp").get("/my/machines/" + machines.get("stp")).state()).isEqualTo("stopped"));
            Duration toStop = Duration.between(burnStarted, Instant.now());
            System.out.printf("budget enforcement: throttled %d ms and stopped %d ms after the burn began (limit crossed after ~1.5 s)%n",
                    toThrottle.toMillis(), toStop.toMillis());
            for (CompletableFuture<?> burn : burns) {
                burn.get(60, TimeUnit.SECONDS);
            }

            assertThat(meteringAudit(tenants.get("thr"), machines.get("thr"))).as("thr's audit").anySatisfy(a -> {
                assertThat(a.get("action")).isEqualTo("throttle");
                assertThat(Json.write(a.get("parameters"))).contains("\"budget\":\"cpu\"").contains("\"cpu_cap\":10");
            });
            assertThat(meteringAudit(tenants.get("stp"), machines.get("stp"))).as("stp's audit").anySatisfy(a -> {
                assertThat(a.get("action")).isEqualTo("stop");
                assertThat(Json.write(a.get("parameters"))).contains("\"budget\":\"cpu\"");
            });
            var restart = tenants.get("stp").post("/my/machines/" + machines.get("stp"), Map.of("action", "start"));
            assertThat(restart.status()).as(restart.body()).isEqualTo(403);
            assertThat(restart.json()).containsEntry("code", "QuotaExceeded");
            assertThat(restart.json().get("message").toString()).contains("stop budget 'cpu'");
            var another = tenants.get("stp").post("/my/machines", Map.of("name", "stp-2", "image", image.toString(), "package", "half-cpu"));
            assertThat(another.status()).as("no new machine while the stop budget is exceeded: " + another.body()).isEqualTo(403);
            var badQuery = tenants.get("stp").get("/my/usage?granularity=fortnight");
            assertThat(badQuery.status()).as(badQuery.body()).isEqualTo(409);
            assertThat(badQuery.json()).containsEntry("code", "InvalidArgument");

            assertThat(meteringAudit(tenants.get("ntf"), machines.get("ntf"))).as("ntf's audit")
                    .anySatisfy(a -> assertThat(a.get("action")).isEqualTo("budget_exceeded"));
            assertThat(Files.readString(cgroupFile(node, machines.get("ntf"), "cpu", "cpu.cfs_quota_us")).strip())
                    .as("notify changes nothing on the zone").isEqualTo("50000");
            assertThat(tenants.get("ntf").get("/my/machines/" + machines.get("ntf")).state()).isEqualTo("running");

            assertThat(meteringAudit(tenants.get("free"), machines.get("free"))).as("the tenant under budget has no metering entry").isEmpty();
            assertThat(Files.readString(cgroupFile(node, machines.get("free"), "cpu", "cpu.cfs_quota_us")).strip()).isEqualTo("50000");
            assertThat(tenants.get("free").get("/my/machines/" + machines.get("free")).state()).isEqualTo("running");

            var limits = tenants.get("thr").get("/my/limits").list();
            assertThat(limits).as("thr's limits show the budget, used and nothing remaining").anySatisfy(l -> {
                assertThat(l.get("budget")).isEqualTo("cpu");
                assertThat(l.get("state")).isEqualTo("exceeded");
                assertThat(((Number) l.get("used")).doubleValue()).isGreaterThan(TINY_CPU_HOURS);
                assertThat(((Number) l.get("remaining")).doubleValue()).isZero();
            });
            assertThat(tenants.get("thr").get("/my/budgets").list()).as("thr's budgets alone (GET /my/budgets), without the limits")
                    .allSatisfy(b -> assertThat(b).containsKey("budget"))
                    .anySatisfy(b -> {
                        assertThat(b).containsEntry("budget", "cpu").containsEntry("policy", "throttle").containsEntry("state", "exceeded");
                        assertThat(((Number) b.get("remaining")).doubleValue()).isZero();
                    });
            assertThat(registry.scrape()).contains("gantry_metering_budget_actions_total").contains("gantry_usage_samples");
            assertThat(ChildRoles.inProcess("budget", "list", "thr", "--metering-url", metering.baseUrl()))
                    .as("the operator's listing").containsPattern("cpu +cpu_hours +day +throttle +0.0002 +0\\.\\d+ +0 exceeded");
            String csv = ChildRoles.inProcess("usage", "export", "--from", java.time.LocalDate.now(java.time.ZoneOffset.UTC).minusDays(1).toString(),
                    "--to", java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1).toString(), "--metering-url", metering.baseUrl());
            assertThat(csv.lines()).first().asString().startsWith("day,account,login,machine,package,instance_seconds,cpu_seconds");
            for (var e : machines.entrySet()) {
                assertThat(csv).as("the billing export has a row for " + e.getKey()).contains("," + e.getKey() + "," + e.getValue() + ",half-cpu,");
            }

            String[] operator = {"--cloudapi-url", plane.url(), "--operator", "admin", "--operator-key",
                    plane.operator("admin", work.resolve("keys")).toString()};
            String limit = ChildRoles.inProcess(with(operator, "limit", "set", "free", "count", "1"));
            assertThat(limit).as("the operator's limit").contains("\"by\" : \"count\"").contains("\"value\" : 1");
            var overLimit = tenants.get("free").post("/my/machines", Map.of("name", "free-2", "image", image.toString(), "package", "half-cpu"));
            assertThat(overLimit.status()).as("the cloud API admits by the operator's limit: " + overLimit.body()).isEqualTo(403);
            assertThat(overLimit.json()).containsEntry("code", "QuotaExceeded");
            assertThat(overLimit.json().get("message").toString()).contains("at most 1 machines");
            assertThat(ChildRoles.inProcess(with(operator, "limit", "list", "free")))
                    .as("the operator's listing of limits").containsPattern("(?m)^count +1 +-$");
            assertThat(GantryCommand.run(with(operator, "limit", "delete", "free", "count"))).isZero();
            assertThat(GantryCommand.run(with(operator, "limit", "delete", "free", "count")))
                    .as("no such limit any more").isEqualTo(3);

            for (var e : machines.entrySet()) {
                assertThat(tenants.get(e.getKey()).delete("/my/machines/" + e.getValue()).status()).isEqualTo(204);
            }
            Poll.until(SETTLE, () -> assertThat(backend.list()).isEmpty());
        } finally {
            registry.close();
            backend.destroyNode();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    private static String[] with(String[] options, String... args) {
        return java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(options)).toArray(String[]::new);
    }

    private static Path cgroupFile(String node, UUID zone, String controller, String file) {
        return Path.of("/sys/fs/cgroup", controller, "gantry-" + node, zone.toString(), file);
    }

    /** The machine's audit entries made by metering (directly, or by the jobs it queued). */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> meteringAudit(SignedClient tenant, UUID machine) {
        var r = tenant.get("/my/machines/" + machine + "/audit");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.list().stream().filter(a -> "metering".equals(((Map<String, Object>) a.get("caller")).get("type"))).toList();
    }

    private static void putBudget(String meteringUrl, String account, String name, Map<String, Object> body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(meteringUrl + "/v1/accounts/" + account
                        + "/budgets/" + name)).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
