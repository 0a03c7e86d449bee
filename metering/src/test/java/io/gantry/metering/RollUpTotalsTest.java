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
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leader's roll-up against a real PostgreSQL: every minute, hour, day and period total equals
 * the sum of the deltas of the records fed, whatever the zones did (restarted, thinned, delivered
 * out of order), and raw records past retention go once rolled up.
 */
class RollUpTotalsTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static TestDatabase db;
    private static Instance metering;
    private static String rita;
    private static String sam;
    private static String tom;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create(true);
        rita = db.account("rita").toString();
        sam = db.account("sam").toString();
        tom = db.account("tom").toString();
        metering = Instance.leading(db.config(new TestClock(NOW)).withTick(Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() {
        if (metering != null) {
            metering.close();
        }
    }

    private static void sendInOrder(List<UsageRecord> records, int batch) {
        for (int i = 0; i < records.size(); i += batch) {
            metering.ingest(records.subList(i, Math.min(records.size(), i + batch)));
        }
    }

    private static boolean nothingPending() {
        return db.scalar("select count(*) from metering.usage_raw where not rolled") == 0;
    }

    @Test
    void totalsPerBucketAndTenantAreTheSumsOfTheDeltasFed() {
        // A: runs 3 minutes across 11:00, is stopped for 2 (the agent keeps sampling it), restarts and runs 3 more;
        //    its counters carry on across the restart, as the agent keeps them cumulative
        ZoneSim a = new ZoneSim(UUID.randomUUID(), rita, "small", 11);
        List<UsageRecord> aRecords = new ArrayList<>();
        Instant t = Instant.parse("2026-11-30T10:57:00Z");
        for (int s = 0; s < 480; s++) {
            boolean running = s < 180 || s >= 300;
            if (s == 300) {
                a.restart();
            }
            aRecords.add(a.next(t.plusSeconds(s), 1, running));
        }
        // B: every 2 s across midnight, which is also the end of November
        ZoneSim b = new ZoneSim(UUID.randomUUID(), rita, "big", 12);
        List<UsageRecord> bRecords = new ArrayList<>();
        for (int s = 0; s < 240; s += 2) {
            bRecords.add(b.next(Instant.parse("2026-11-30T23:58:00Z").plusSeconds(s), 2, true));
        }
        // C: thinned; only about a third of its records ever arrive
        ZoneSim c = new ZoneSim(UUID.randomUUID(), sam, "small", 13);
        List<UsageRecord> cRecords = new ArrayList<>();
        Random thin = new Random(5);
        for (int s = 0; s < 600; s++) {
            UsageRecord r = c.next(Instant.parse("2026-12-01T08:00:00Z").plusSeconds(s), 1, true);
            if (thin.nextInt(3) == 0 || s == 599) {
                cRecords.add(r);
            }
        }
        sendInOrder(aRecords, 100);
        sendInOrder(bRecords, 50);
        sendInOrder(cRecords, 37);
        await().atMost(Duration.ofSeconds(20)).until(RollUpTotalsTest::nothingPending);

        Expected expected = new Expected().zone(aRecords).zone(bRecords).zone(cRecords);
        List<UUID> zones = List.of(a.zone, b.zone, c.zone);
        for (Granularity g : Granularity.values()) {
            assertThat(Expected.stored(db, g, zones)).as(g.wireName() + " buckets").isEqualTo(expected.buckets.get(g));
        }
        assertThat(Expected.storedPeriods(db, List.of(rita, sam))).as("period totals").isEqualTo(expected.periods);
        assertThat(expected.buckets.get(Granularity.HOUR)).as("A spans two hours, B two days and months")
                .containsKeys(Expected.key(a.zone, Instant.parse("2026-11-30T10:00:00Z")), Expected.key(a.zone, Instant.parse("2026-11-30T11:00:00Z")));
        assertThat(Expected.stored(db, Granularity.DAY, List.of(b.zone))).hasSize(2);

        // the tenant's figures are the sums over its zones: rita's CPU is A's and B's last cumulative counters
        JsonNode total = Http.get(metering.url("/v1/accounts/rita/usage?granularity=total&from=2026-11-30&to=2026-12-02")).json()
                .get("total");
        UsageRecord lastA = aRecords.get(aRecords.size() - 1);
        UsageRecord lastB = bRecords.get(bRecords.size() - 1);
        assertThat(total.get("cpu_seconds").asDouble()).isCloseTo((lastA.cpuNanos() + lastB.cpuNanos()) / 1e9, within(1e-6));
        assertThat(total.get("instance_seconds").asDouble()).isEqualTo((lastA.runningMillis() + lastB.runningMillis()) / 1000.0);
        assertThat(total.get("oom_kills").asLong()).isEqualTo(lastA.oomKills() + lastB.oomKills());
        assertThat(lastA.runningMillis()).as("the stopped minutes added no running time").isEqualTo(360_000);
    }

    @Test
    void recordsDeliveredOutOfOrderStillAddUpToTheLastCounters() {
        ZoneSim d = new ZoneSim(UUID.randomUUID(), tom, "small", 14);
        List<UsageRecord> records = new ArrayList<>();
        for (int s = 0; s < 300; s++) {
            records.add(d.next(Instant.parse("2026-12-01T09:00:00Z").plusSeconds(s), 1, true));
        }
        for (int part : new int[] {3, 1, 4, 0, 2}) {
            metering.ingest(records.subList(part * 60, part * 60 + 60));
            // let the roll-up run between deliveries, so earlier seqs arrive behind the cursor
            await().atMost(Duration.ofSeconds(10)).until(RollUpTotalsTest::nothingPending);
        }
        UsageRecord last = records.get(299);

        for (Granularity g : Granularity.values()) {
            List<Long> sum = db.query("select sum(cpu_ns), sum(net_rx), sum(instance_ms), sum(forks_refused) from " + g.table()
                    + " where zone = ?", d.zone).get(0).stream().map(o -> ((Number) o).longValue()).toList();
            assertThat(sum).as(g.wireName()).containsExactly(last.cpuNanos(), last.netRxBytes(), last.runningMillis(), last.forksRefused());
        }
        assertThat(db.scalar("select seq from metering.usage_cursor where zone = ?", d.zone)).isEqualTo(300);
    }

    @Test
    void rawRecordsPastRetentionAreDeletedOnceRolledUpAndTheirRollUpsStay() {
        ZoneSim old = new ZoneSim(UUID.randomUUID(), tom, "small", 15);
        ZoneSim recent = new ZoneSim(UUID.randomUUID(), tom, "small", 16);
        List<UsageRecord> oldRecords = new ArrayList<>();
        List<UsageRecord> recentRecords = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            oldRecords.add(old.next(NOW.minus(Duration.ofHours(49)).plusSeconds(s), 1, true));
            recentRecords.add(recent.next(NOW.minus(Duration.ofHours(47)).plusSeconds(s), 1, true));
        }
        metering.ingest(oldRecords);
        metering.ingest(recentRecords);

        await().atMost(Duration.ofSeconds(10)).until(() -> db.scalar("select count(*) from metering.usage_raw where zone = ?", old.zone) == 0);
        assertThat(db.scalar("select count(*) from metering.usage_raw where zone = ? and rolled", recent.zone)).isEqualTo(30);
        assertThat(db.scalar("select sum(cpu_ns) from metering.usage_hour where zone = ?", old.zone))
                .isEqualTo(oldRecords.get(29).cpuNanos());

        // a replay of deleted records finds the cursor ahead of them: nothing is counted again
        metering.ingest(oldRecords);
        await().atMost(Duration.ofSeconds(10)).until(() -> db.scalar("select count(*) from metering.usage_raw where zone = ?", old.zone) == 0);
        assertThat(db.scalar("select sum(cpu_ns) from metering.usage_hour where zone = ?", old.zone))
                .isEqualTo(oldRecords.get(29).cpuNanos());
    }

    @Test
    void minuteRollUpsPastTheirRetentionAreDeletedAndHoursAndDaysStay() {
        ZoneSim old = new ZoneSim(UUID.randomUUID(), tom, "small", 17);
        ZoneSim recent = new ZoneSim(UUID.randomUUID(), tom, "small", 18);
        List<UsageRecord> oldRecords = new ArrayList<>();
        List<UsageRecord> recentRecords = new ArrayList<>();
        for (int s = 0; s < 120; s += 10) {
            oldRecords.add(old.next(NOW.minus(Duration.ofDays(36)).plusSeconds(s), 10, true));
            recentRecords.add(recent.next(NOW.minus(Duration.ofDays(34)).plusSeconds(s), 10, true));
        }
        metering.ingest(oldRecords);
        metering.ingest(recentRecords);

        await().atMost(Duration.ofSeconds(10)).until(() -> nothingPending()
                && db.scalar("select count(*) from metering.usage_minute where zone = ?", old.zone) == 0);
        long cpu = oldRecords.get(oldRecords.size() - 1).cpuNanos();
        assertThat(db.scalar("select sum(cpu_ns) from metering.usage_hour where zone = ?", old.zone)).isEqualTo(cpu);
        assertThat(db.scalar("select sum(cpu_ns) from metering.usage_day where zone = ?", old.zone)).isEqualTo(cpu);
        assertThat(db.scalar("select count(*) from metering.usage_minute where zone = ?", recent.zone))
                .as("minutes inside the 35 days stay").isGreaterThan(0);
    }
}
