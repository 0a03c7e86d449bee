package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Budgets enforced by the leader, in the cloud API's own tables, on three accounts and one month's
 * end: alice throttled (and notified), bob stopped, carol under budget and untouched; then a new
 * period lifts alice's throttle. The steps build on each other, in order. The tick is the default 1 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BudgetEnforcementTest {
    private static final Instant NOW = Instant.parse("2026-11-30T23:30:00Z");
    private static final long CPU_HOUR_NS = 3_600_000_000_000L;
    private static TestDatabase db;
    private static TestClock clock;
    private static Instance metering;
    private static UUID alice;
    private static UUID bob;
    private static UUID carol;
    private static UUID a1;
    private static UUID a2;
    private static UUID a3;
    private static UUID a4;
    private static UUID b1;
    private static UUID b2;
    private static UUID b3;
    private static UUID c1;
    private static UUID c2;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(true);
        alice = db.account("alice");
        bob = db.account("bob");
        carol = db.account("carol");
        a1 = db.machine(alice, "a1", "running");
        a2 = db.machine(alice, "a2", "running");
        a3 = db.machine(alice, "a3", "stopped");
        a4 = db.machine(alice, "a4", "running");
        db.job(a4, JobKind.REBOOT, JobState.QUEUED); // a4 has an open job: enforcement must leave it alone
        b1 = db.machine(bob, "b1", "running");
        b2 = db.machine(bob, "b2", "running");
        b3 = db.machine(bob, "b3", "stopped");
        c1 = db.machine(carol, "c1", "running");
        c2 = db.machine(carol, "c2", "running");
        clock = new TestClock(NOW);
        metering = Instance.leading(db.config(clock));
    }

    @AfterAll
    static void stop() {
        if (metering != null) {
            metering.close();
        }
    }

    private static UsageRecord rec(UUID zone, UUID account, long seq, Instant time, long runningMs, long cpuNs, long rxBytes) {
        return new UsageRecord(zone, seq, account.toString(), "node-1", "small", time.toEpochMilli(), runningMs, cpuNs, 64 << 20, 64 << 20,
                0, 0, 0, rxBytes, 0, 0, 0, false);
    }

    private static void putBudget(String account, String name, String body) {
        Http.Response r = Http.put(metering.url("/v1/accounts/" + account + "/budgets/" + name), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static List<List<Object>> meteringJobs(UUID machine) {
        return db.query("select action, params, state, caller from jobs where machine_id = ? and caller = 'metering' order by created", machine);
    }

    private static Integer throttle(UUID machine) {
        Object v = db.query("select cpu_throttle from machines where id = ?", machine).get(0).get(0);
        return v == null ? null : ((Number) v).intValue();
    }

    private static String state(UUID machine) {
        return (String) db.query("select state from machines where id = ?", machine).get(0).get(0);
    }

    private static long metricAudits(UUID machine) {
        return db.scalar("select count(*) from audit where machine_id = ? and caller = 'metering'", machine);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> params(List<Object> job) {
        return Json.read((String) job.get(1), Map.class);
    }

    @Test
    @Order(1)
    void underBudgetNothingIsTouched() {
        putBudget("alice", "cpu", "{\"metric\":\"cpu_hours\",\"limit\":1,\"period\":\"month\",\"policy\":\"throttle\",\"throttle_cpu_cap\":20}");
        putBudget(alice.toString(), "net", "{\"metric\":\"network_gb\",\"limit\":0.0001,\"period\":\"day\",\"policy\":\"notify\"}");
        putBudget("bob", "instances", "{\"metric\":\"instance_hours\",\"limit\":0.5,\"period\":\"hour\",\"policy\":\"stop\"}");
        putBudget("carol", "cpu", "{\"metric\":\"cpu_hours\",\"limit\":1000,\"period\":\"month\",\"policy\":\"throttle\"}");
        putBudget("carol", "hard", "{\"metric\":\"instance_hours\",\"limit\":1000,\"period\":\"day\",\"policy\":\"stop\"}");
        putBudget("carol", "tell", "{\"metric\":\"network_gb\",\"limit\":1000,\"period\":\"day\",\"policy\":\"notify\"}");
        Instant t = NOW.minus(Duration.ofMinutes(20));
        // alice: 0.6 CPU-hours and 40 KB so far; bob: 0.2 instance-hours; carol: a little of everything
        metering.ingest(List.of(
                rec(a1, alice, 1, t, 600_000, 3 * CPU_HOUR_NS / 10, 20_000), rec(a2, alice, 1, t, 600_000, 3 * CPU_HOUR_NS / 10, 20_000),
                rec(b1, bob, 1, t, 360_000, 1, 0), rec(b2, bob, 1, t, 360_000, 1, 0),
                rec(c1, carol, 1, t, 600_000, CPU_HOUR_NS, 1000), rec(c2, carol, 1, t, 600_000, CPU_HOUR_NS, 1000)));

        await().atMost(Duration.ofSeconds(5)).until(() -> db.scalar("select count(*) from metering.usage_raw where not rolled") == 0);
        // a few enforcement ticks later, still nothing
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4))
                .until(() -> db.scalar("select count(*) from jobs where caller = 'metering'") == 0
                        && db.scalar("select count(*) from audit where caller = 'metering'") == 0);
        JsonNode budgets = Http.get(metering.url("/v1/accounts/alice/budgets")).json();
        assertThat(budgets).hasSize(2);
        JsonNode cpu = budgets.get(0);
        assertThat(cpu.get("name").asText()).isEqualTo("cpu");
        assertThat(cpu.get("state").asText()).isEqualTo("ok");
        assertThat(cpu.get("used").asDouble()).isEqualTo(0.6);
        assertThat(cpu.get("remaining").asDouble()).isEqualTo(0.4, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(cpu.get("period_start").asText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(cpu.get("period_end").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(cpu.get("throttle_cpu_cap").asInt()).isEqualTo(20);
        assertThat(cpu.has("breached_at")).isFalse();
    }

    @Test
    @Order(2)
    void crossingTheLimitsThrottlesStopsAndNotifiesWithinTwoSeconds() {
        Instant t = NOW.minus(Duration.ofMinutes(10));
        long sent = System.nanoTime();
        metering.ingest(List.of(
                rec(a1, alice, 2, t, 1_200_000, 6 * CPU_HOUR_NS / 10, 80_000), rec(a2, alice, 2, t, 1_200_000, 6 * CPU_HOUR_NS / 10, 80_000),
                rec(b1, bob, 2, t, 960_000, 2, 0), rec(b2, bob, 2, t, 960_000, 2, 0),
                rec(c1, carol, 2, t, 1_200_000, 2 * CPU_HOUR_NS, 2000), rec(c2, carol, 2, t, 1_200_000, 2 * CPU_HOUR_NS, 2000)));

        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(25))
                .until(() -> meteringJobs(a1).size() == 1 && meteringJobs(a2).size() == 1 && meteringJobs(b1).size() == 1
                        && meteringJobs(b2).size() == 1);
        System.out.printf("ENFORCEMENT: jobs in the table %d ms after the crossing records were acknowledged%n",
                (System.nanoTime() - sent) / 1_000_000);

        // alice: her running machines throttled to the budget's cap, with a throttle job each
        for (UUID m : List.of(a1, a2)) {
            assertThat(throttle(m)).isEqualTo(20);
            List<Object> job = meteringJobs(m).get(0);
            assertThat(job.subList(0, 1)).containsExactly("throttle");
            assertThat(job.get(2)).isEqualTo("queued");
            assertThat(params(job)).containsEntry("budget", "cpu").containsEntry("metric", "cpu_hours").containsEntry("cpu_cap", 20)
                    .containsEntry("limit", 1.0).containsEntry("used", 1.2);
        }
        assertThat(throttle(a3)).as("stopped").isNull();
        assertThat(throttle(a4)).as("has an open job").isNull();
        assertThat(meteringJobs(a3)).isEmpty();
        assertThat(meteringJobs(a4)).isEmpty();
        // bob: stopped
        for (UUID m : List.of(b1, b2)) {
            assertThat(state(m)).isEqualTo("stopping");
            List<Object> job = meteringJobs(m).get(0);
            assertThat(job.get(0)).isEqualTo("stop");
            assertThat(params(job)).containsEntry("budget", "instances").containsEntry("metric", "instance_hours").containsKey("reason");
        }
        assertThat(state(b3)).isEqualTo("stopped");
        assertThat(meteringJobs(b3)).isEmpty();
        // alice's notify budget: one audit entry on each of her machines
        await().atMost(Duration.ofSeconds(2)).until(() -> metricAudits(a1) == 1);
        for (UUID m : List.of(a1, a2, a3, a4)) {
            List<List<Object>> audits = db.query("select action, success, caller, params from audit where machine_id = ? and caller = 'metering'", m);
            assertThat(audits).hasSize(1);
            assertThat(audits.get(0).subList(0, 3)).containsExactly("budget_exceeded", true, "metering");
            assertThat(params(audits.get(0).subList(2, 4))).containsEntry("budget", "net").containsEntry("policy", "notify")
                    .containsEntry("metric", "network_gb").containsEntry("period_start", "2026-11-30T00:00:00Z").containsKey("used");
        }
        // carol: under every budget, untouched
        for (UUID m : List.of(c1, c2)) {
            assertThat(meteringJobs(m)).isEmpty();
            assertThat(throttle(m)).isNull();
            assertThat(state(m)).isEqualTo("running");
            assertThat(metricAudits(m)).isZero();
        }
        JsonNode cpu = Http.get(metering.url("/v1/accounts/alice/budgets")).json().get(0);
        assertThat(cpu.get("state").asText()).isEqualTo("exceeded");
        assertThat(cpu.get("used").asDouble()).isEqualTo(1.2);
        assertThat(cpu.get("remaining").asDouble()).isZero();
        assertThat(cpu.get("breached_at").asText()).isEqualTo(NOW.toString());
        assertThat(db.scalar("select count(*) from metering.budget_breaches")).as("alice cpu and net, bob instances").isEqualTo(3);
    }

    @Test
    @Order(3)
    void enforcementIsLevelTriggeredButNeverRepeatsItself() {
        // more ticks: no second job while the first is open, no second notification this period
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() ->
                meteringJobs(a1).size() == 1 && meteringJobs(b1).size() == 1 && metricAudits(a1) == 1);

        // the provisioner does its work: jobs end, bob's machines stop; then bob starts b1 again
        db.execute("update jobs set state = ? where caller = 'metering'", JobState.SUCCEEDED.wireName());
        db.execute("update machines set state = 'stopped' where id in (?, ?)", b1, b2);
        db.execute("update machines set state = 'running' where id = ?", b1);

        await().atMost(Duration.ofSeconds(3)).until(() -> meteringJobs(b1).size() == 2);
        assertThat(state(b1)).isEqualTo("stopping");
        assertThat(meteringJobs(b1).get(1).get(2)).isEqualTo("queued");
        assertThat(meteringJobs(b2)).hasSize(1);
        assertThat(meteringJobs(a1)).as("already throttled to the cap").hasSize(1);
    }

    @Test
    @Order(4)
    void aNewPeriodLiftsTheThrottle() {
        db.execute("update jobs set state = ? where caller = 'metering'", JobState.SUCCEEDED.wireName());
        db.execute("update machines set state = 'stopped' where id = ?", b1);
        clock.set(Instant.parse("2026-12-01T00:00:05Z"));

        await().atMost(Duration.ofSeconds(3)).until(() -> throttle(a1) == null && throttle(a2) == null);
        for (UUID m : List.of(a1, a2)) {
            await().atMost(Duration.ofSeconds(2)).until(() -> meteringJobs(m).size() == 2);
            List<Object> lift = meteringJobs(m).get(1);
            assertThat(lift.get(0)).isEqualTo("throttle");
            assertThat(lift.get(1)).isEqualTo("{\"cpu_cap\":null,\"reason\":\"no budget exceeded\"}");
        }
        JsonNode cpu = Http.get(metering.url("/v1/accounts/alice/budgets")).json().get(0);
        assertThat(cpu.get("state").asText()).isEqualTo("ok");
        assertThat(cpu.get("used").asDouble()).isZero();
        assertThat(cpu.get("period_start").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(meteringJobs(b1)).as("bob's new hour is within budget").hasSize(2);
        assertThat(metricAudits(a1)).as("alice's new day is within budget").isEqualTo(1);
    }

    @Test
    @Order(5)
    void budgetsCanBeReplacedAndDeleted() {
        Http.Response bad = Http.put(metering.url("/v1/accounts/alice/budgets/x"), "{\"metric\":\"cpu_hours\",\"limit\":-1,"
                + "\"period\":\"day\",\"policy\":\"stop\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("code").asText()).isEqualTo("InvalidArgument");
        assertThat(Http.put(metering.url("/v1/accounts/nobody/budgets/x"), "{\"metric\":\"cpu_hours\",\"limit\":1,"
                + "\"period\":\"day\",\"policy\":\"stop\"}").status()).isEqualTo(404);

        Http.Response replaced = Http.put(metering.url("/v1/accounts/alice/budgets/cpu"),
                "{\"metric\":\"cpu_hours\",\"limit\":5,\"period\":\"day\",\"policy\":\"notify\"}");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("limit").asDouble()).isEqualTo(5.0);
        assertThat(replaced.json().get("period").asText()).isEqualTo("day");
        assertThat(replaced.json().has("throttle_cpu_cap")).isFalse();
        assertThat(Http.get(metering.url("/v1/accounts/alice/budgets")).json()).hasSize(2);

        assertThat(Http.delete(metering.url("/v1/accounts/alice/budgets/cpu")).status()).isEqualTo(204);
        Http.Response again = Http.delete(metering.url("/v1/accounts/alice/budgets/cpu"));
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("code").asText()).isEqualTo("ResourceNotFound");
        assertThat(Http.get(metering.url("/v1/accounts/alice/budgets")).json()).extracting(n -> n.get("name").asText())
                .containsExactly("net");
    }
}
