package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.common.usage.UsageRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /metrics: the Prometheus text has every meter metering promises, with values that follow what happened. */
class MetricsTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static TestDatabase db;
    private static Instance metering;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(true);
        metering = Instance.leading(db.config(new TestClock(NOW)).withTick(Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() {
        if (metering != null) {
            metering.close();
        }
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as("series " + series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void everyPromisedMeterIsExposedWithItsValue() {
        UUID frank = db.account("frank");
        UUID machine = db.machine(frank, "f1", "running");
        assertThat(Http.put(metering.url("/v1/accounts/frank/budgets/cpu"),
                "{\"metric\":\"cpu_hours\",\"limit\":0.001,\"period\":\"month\",\"policy\":\"throttle\"}").status()).isEqualTo(200);
        metering.ingest(List.of(new UsageRecord(machine, 1, frank.toString(), "node-1", "small", NOW.minusSeconds(30).toEpochMilli(),
                30_000, 25_000_000_000L, 1 << 20, 1 << 20, 0, 0, 0, 5_000, 7_000, 0, 0, false)));
        metering.ingest(List.of(new UsageRecord(machine, 1, frank.toString(), "node-1", "small", NOW.minusSeconds(30).toEpochMilli(),
                30_000, 25_000_000_000L, 1 << 20, 1 << 20, 0, 0, 0, 5_000, 7_000, 0, 0, false)));
        await().atMost(Duration.ofSeconds(5)).until(() -> db.scalar("select count(*) from jobs where caller = 'metering'") == 1);
        Http.get(metering.url("/v1/accounts/frank/usage?granularity=oops"));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Http.Response r = Http.get(metering.url("/metrics"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/plain");
            String text = r.body();
            assertThat(value(text, "gantry_metering_ingested_records_total{outcome=\"stored\"}")).isEqualTo(1);
            assertThat(value(text, "gantry_metering_ingested_records_total{outcome=\"duplicate\"}")).isEqualTo(1);
            assertThat(value(text, "gantry_metering_ingest_batch_seconds_count")).isEqualTo(2);
            assertThat(value(text, "gantry_metering_http_requests_seconds_count{method=\"POST\",route=\"/v1/usage\",status=\"200\"}"))
                    .isEqualTo(2);
            assertThat(value(text, "gantry_metering_http_requests_seconds_count{method=\"GET\",route=\"/v1/accounts/:account/usage\","
                    + "status=\"400\"}")).isEqualTo(1);
            assertThat(value(text, "gantry_metering_rollup_records_total")).isEqualTo(1);
            assertThat(value(text, "gantry_metering_rollup_lag_seconds")).as("now minus the record's time").isEqualTo(30);
            assertThat(value(text, "gantry_metering_leader")).isEqualTo(1);
            assertThat(value(text, "gantry_metering_budget_actions_total{policy=\"throttle\"}")).isEqualTo(1);
            assertThat(value(text, "gantry_metering_budget_actions_total{policy=\"stop\"}")).isZero();
            assertThat(value(text, "gantry_metering_tenant_cpu_seconds{account=\"frank\"}")).isEqualTo(25);
            assertThat(value(text, "gantry_metering_tenant_instance_seconds{account=\"frank\"}")).isEqualTo(30);
            assertThat(value(text, "gantry_metering_tenant_network_in_bytes{account=\"frank\"}")).isEqualTo(5000);
            assertThat(value(text, "gantry_metering_tenant_network_out_bytes{account=\"frank\"}")).isEqualTo(7000);
        });
    }

    @Test
    void pingSaysWhetherThisInstanceLeads() {
        Http.Response r = Http.get(metering.url("/v1/ping"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("ok").asBoolean()).isTrue();
        assertThat(r.json().get("leader").asBoolean()).isTrue();
    }
}
