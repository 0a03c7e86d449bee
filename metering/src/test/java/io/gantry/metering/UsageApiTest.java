package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.usage.UsageRecord;
import io.gantry.metering.usage.Granularity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET usage and export against roll-ups of known records. */
class UsageApiTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static TestDatabase db;
    private static Instance metering;
    private static UUID dora;
    private static UUID m1;
    private static UUID m2;
    private static UUID e1;
    private static final List<UsageRecord> M1 = new ArrayList<>();
    private static final List<UsageRecord> M2 = new ArrayList<>();
    private static final List<UsageRecord> E1 = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(true);
        dora = db.account("dora");
        UUID eve = db.account("eve");
        m1 = db.machine(dora, "m1", "running");
        m2 = db.machine(dora, "m2", "running");
        e1 = db.machine(eve, "e1", "running");
        metering = Instance.leading(db.config(new TestClock(NOW)).withTick(Duration.ofMillis(200)));

        ZoneSim z1 = new ZoneSim(m1, dora.toString(), "small", 21);
        M1.add(z1.next(Instant.parse("2026-10-31T23:59:50Z"), 10, true)); // last month
        for (int i = 0; i < 120; i++) {
            M1.add(z1.next(Instant.parse("2026-11-24T23:50:00Z").plusSeconds(i * 10L), 10, true));
        }
        ZoneSim z2 = new ZoneSim(m2, "dora", "big", 22); // this agent names the tenant by login: the same account
        for (int i = 0; i < 60; i++) {
            M2.add(z2.next(Instant.parse("2026-11-25T10:58:00Z").plusSeconds(i * 5L), 5, true));
        }
        ZoneSim z3 = new ZoneSim(e1, eve.toString(), "small", 23);
        for (int i = 0; i < 30; i++) {
            E1.add(z3.next(Instant.parse("2026-11-25T06:00:00Z").plusSeconds(i), 1, true));
        }
        metering.ingest(M1);
        metering.ingest(M2);
        metering.ingest(E1);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.scalar("select count(*) from metering.usage_raw where not rolled") == 0);
    }

    @AfterAll
    static void stop() {
        if (metering != null) {
            metering.close();
        }
    }

    private static JsonNode usage(String account, String query) {
        Http.Response r = Http.get(metering.url("/v1/accounts/" + account + "/usage" + query));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Expected CPU seconds per bucket start, over dora's machines (or one of them), from the records sent. */
    private static Map<Instant, Double> expectedCpu(Granularity g, List<List<UsageRecord>> zones, Instant from, Instant to) {
        Expected e = new Expected();
        zones.forEach(e::zone);
        Map<Instant, Double> out = new TreeMap<>();
        e.buckets.get(g).forEach((key, sums) -> {
            Instant start = Instant.parse(key.substring(key.indexOf('@') + 1));
            if (!start.isBefore(from) && start.isBefore(to)) {
                out.merge(start, sums.get(1) / 1e9, Double::sum);
            }
        });
        return out;
    }

    private static Map<Instant, Double> cpuRows(JsonNode body) {
        Map<Instant, Double> out = new TreeMap<>();
        for (JsonNode row : body.get("rows")) {
            out.put(Instant.parse(row.get("start").asText()), row.get("cpu_seconds").asDouble());
        }
        return out;
    }

    private static void assertSameCpu(Map<Instant, Double> actual, Map<Instant, Double> expected) {
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((k, v) -> assertThat(actual.get(k)).as(k.toString()).isCloseTo(v, within(1e-6)));
    }

    @Test
    void minuteHourDayAndTotalRowsAreTheSumsOverTheAccountsMachines() {
        Instant from = Instant.parse("2026-11-24T00:00:00Z");
        Instant to = Instant.parse("2026-11-26T00:00:00Z");
        String range = "from=2026-11-24T00:00:00Z&to=2026-11-26T00:00:00Z";
        List<List<UsageRecord>> both = List.of(M1, M2);
        for (Granularity g : Granularity.values()) {
            JsonNode body = usage("dora", "?" + range + "&granularity=" + g.wireName());
            assertThat(body.get("account").asText()).isEqualTo("dora");
            assertThat(body.get("granularity").asText()).isEqualTo(g.wireName());
            assertThat(body.get("per").asText()).isEqualTo("total");
            assertSameCpu(cpuRows(body), expectedCpu(g, both, from, to));
            assertThat(body.get("rows").get(0).has("machine")).isFalse();
        }
        assertThat(usage("dora", "?" + range + "&granularity=minute").get("rows")).hasSize(20 + 5);
        assertThat(usage("dora", "?" + range + "&granularity=hour").get("rows")).hasSize(1 + 1 + 2);
        assertThat(usage("dora", "?" + range + "&granularity=day").get("rows")).hasSize(2);

        JsonNode total = usage("dora", "?" + range + "&granularity=total");
        assertThat(total.get("rows")).hasSize(1);
        assertThat(total.get("rows").get(0).get("start").asText()).isEqualTo("2026-11-24T00:00:00Z");
        UsageRecord first = M1.get(0);
        UsageRecord last1 = M1.get(M1.size() - 1);
        UsageRecord last2 = M2.get(M2.size() - 1);
        double cpu = (last1.cpuNanos() - first.cpuNanos() + last2.cpuNanos()) / 1e9;
        assertThat(total.get("total").get("cpu_seconds").asDouble()).isCloseTo(cpu, within(1e-6));
        assertThat(total.get("total").get("instance_seconds").asDouble())
                .isEqualTo((last1.runningMillis() - first.runningMillis() + last2.runningMillis()) / 1000.0);
        assertThat(total.get("total").get("network_in_gb").asDouble())
                .isCloseTo((last1.netRxBytes() - first.netRxBytes() + last2.netRxBytes()) / 1e9, within(1e-12));
        assertThat(total.get("total").get("memory_peak_bytes").asLong()).isEqualTo(Math.max(last1.memoryPeakBytes(), last2.memoryPeakBytes()));
        JsonNode byHour = usage("dora", "?" + range + "&granularity=hour");
        assertThat(byHour.get("total").get("cpu_seconds").asDouble()).isCloseTo(cpu, within(1e-6));
        assertThat(byHour.get("total").get("memory_gib_hours").asDouble())
                .isCloseTo((last1.memoryByteSeconds() - first.memoryByteSeconds() + last2.memoryByteSeconds()) / 1073741824.0 / 3600, within(1e-9));
    }

    @Test
    void perInstanceRowsNameTheMachineAndItsPackage() {
        JsonNode body = usage("dora", "?from=2026-11-24&to=2026-11-26&granularity=hour&per=instance");

        assertThat(body.get("per").asText()).isEqualTo("instance");
        Map<String, String> packages = new HashMap<>();
        for (JsonNode row : body.get("rows")) {
            packages.put(row.get("machine").asText(), row.get("package").asText());
        }
        assertThat(packages).containsOnly(Map.entry(m1.toString(), "small"), Map.entry(m2.toString(), "big"));
        assertThat(body.get("rows")).hasSize(4);

        JsonNode onlyM2 = usage(dora.toString(), "?from=2026-11-24&to=2026-11-26&granularity=minute&per=instance&machine=" + m2);
        assertThat(onlyM2.get("rows")).hasSize(5).allSatisfy(r -> assertThat(r.get("machine").asText()).isEqualTo(m2.toString()));
        assertSameCpu(cpuRows(onlyM2), expectedCpu(Granularity.MINUTE, List.of(M2), Instant.parse("2026-11-24T00:00:00Z"),
                Instant.parse("2026-11-26T00:00:00Z")));
        JsonNode m2Total = usage("dora", "?from=2026-11-24&to=2026-11-26&granularity=total&machine=" + m2);
        assertThat(m2Total.get("total").get("cpu_seconds").asDouble()).isCloseTo(M2.get(59).cpuNanos() / 1e9, within(1e-6));
    }

    @Test
    void withoutParametersItIsThisMonthSoFarByHour() {
        JsonNode body = usage("dora", "");

        assertThat(body.get("from").asText()).isEqualTo("2026-11-01T00:00:00Z");
        assertThat(body.get("to").asText()).isEqualTo("2026-11-25T12:00:00Z");
        assertThat(body.get("granularity").asText()).isEqualTo("hour");
        assertThat(body.get("per").asText()).isEqualTo("total");
        assertThat(cpuRows(body).keySet()).allSatisfy(start -> assertThat(start).isAfterOrEqualTo(Instant.parse("2026-11-01T00:00:00Z")));
        double cpu = (M1.get(M1.size() - 1).cpuNanos() - M1.get(0).cpuNanos() + M2.get(59).cpuNanos()) / 1e9;
        assertThat(body.get("total").get("cpu_seconds").asDouble()).as("October's record is not in it").isCloseTo(cpu, within(1e-6));
        assertThat(usage(dora.toString(), "").get("total")).isEqualTo(body.get("total"));
    }

    private static void assertError(Http.Response r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code").asText()).isEqualTo(code);
        assertThat(r.json().get("message").asText()).contains(messagePart);
    }

    @Test
    void badParametersUnknownAccountsAndUnknownRoutesAreClearErrors() {
        String base = metering.url("/v1/accounts/dora/usage");
        assertError(Http.get(base + "?granularity=week"), 400, "InvalidArgument", "minute, hour, day or total");
        assertError(Http.get(base + "?per=zone"), 400, "InvalidArgument", "instance or total");
        assertError(Http.get(base + "?from=last-tuesday"), 400, "InvalidArgument", "ISO-8601");
        assertError(Http.get(base + "?from=2026-11-20&to=2026-11-10"), 400, "InvalidArgument", "after");
        assertError(Http.get(base + "?granularity=minute&from=2026-09-01&to=2026-11-01"), 400, "InvalidArgument", "at most 31 days");
        assertError(Http.get(base + "?machine=zone-1"), 400, "InvalidArgument", "uuid");
        assertError(Http.get(base + "?color=red"), 400, "InvalidArgument", "unknown parameter 'color'");
        assertError(Http.get(metering.url("/v1/accounts/mallory/usage")), 404, "ResourceNotFound", "mallory");
        assertError(Http.get(metering.url("/v1/accounts/" + UUID.randomUUID() + "/budgets")), 404, "ResourceNotFound", "not found");
        assertError(Http.get(metering.url("/v1/nothing-here")), 404, "ResourceNotFound", "/v1/nothing-here");
        assertError(Http.get(metering.url("/v1/export?format=xml")), 400, "InvalidArgument", "csv or json");
        Http.Response wrongMethod = Http.delete(metering.url("/v1/ping"));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().has("code")).isTrue();
    }

    @Test
    void theExportHasOneRowPerAccountMachineAndDayInCsvAndJsonAlike() {
        Http.Response json = Http.get(metering.url("/v1/export?from=2026-11-24&to=2026-11-26&format=json"));
        Http.Response csv = Http.get(metering.url("/v1/export?from=2026-11-24&to=2026-11-26"));

        assertThat(json.status()).isEqualTo(200);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        JsonNode rows = json.json().get("rows");
        List<String> keys = new ArrayList<>();
        for (JsonNode r : rows) {
            keys.add(r.get("day").asText() + " " + r.get("login").asText() + " " + r.get("machine").asText());
        }
        // by day, then login, then machine
        String[] dorasOn25th = m1.toString().compareTo(m2.toString()) < 0 ? new String[] {m1.toString(), m2.toString()}
                : new String[] {m2.toString(), m1.toString()};
        assertThat(keys).containsExactly("2026-11-24 dora " + m1, "2026-11-25 dora " + dorasOn25th[0], "2026-11-25 dora " + dorasOn25th[1],
                "2026-11-25 eve " + e1);
        for (int i = 0; i < 3; i++) {
            assertThat(rows.get(i).get("account").asText()).as("the account's uuid, also where the agent named the login")
                    .isEqualTo(dora.toString());
        }
        assertThat(rows.get(3).get("cpu_seconds").asDouble()).isCloseTo(E1.get(29).cpuNanos() / 1e9, within(1e-9));

        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(1 + rows.size());
        String[] header = lines[0].split(",");
        assertThat(header).containsExactly("day", "account", "login", "machine", "package", "instance_seconds", "cpu_seconds",
                "memory_gib_hours", "memory_peak_bytes", "disk_gib_hours", "network_in_gb", "network_out_gb", "oom_kills", "forks_refused");
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = lines[i + 1].split(",", -1);
            for (int c = 0; c < header.length; c++) {
                assertThat(cells[c]).as("row " + i + " " + header[c]).isEqualTo(rows.get(i).get(header[c]).asText());
            }
        }
    }
}
