package io.gantry.metering;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import io.gantry.common.usage.UsageRecord;
import io.gantry.metering.store.MeteringDatabase;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Metering's migrations and the cloud API's share a database and may run in either order. */
class SchemaTest {

    @Test
    void meteringMayMigrateBeforeTheCloudApiAndAfterIt() throws Exception {
        TestDatabase first = TestDatabase.create(false);
        MeteringDatabase.migrate(first.jdbcUrl, first.user, first.password);
        first.migrateCloudApi(); // would refuse a non-empty public schema without its history table
        MeteringDatabase.migrate(first.jdbcUrl, first.user, first.password); // nothing left to do

        TestDatabase second = TestDatabase.create(true);
        MeteringDatabase.migrate(second.jdbcUrl, second.user, second.password);

        for (TestDatabase db : new TestDatabase[] {first, second}) {
            assertThat(db.scalar("select count(*) from information_schema.tables where table_schema = 'metering'"))
                    .as("usage_raw, usage_cursor, usage_minute/hour/day, usage_period, budgets, budget_breaches, history").isEqualTo(9);
            assertThat(db.scalar("select count(*) from metering.metering_schema_history where success and version = '1'")).isEqualTo(1);
            assertThat(db.scalar("select count(*) from information_schema.tables where table_schema = 'public' and table_name = 'machines'"))
                    .isEqualTo(1);
            assertThat(db.scalar("select count(*) from information_schema.table_constraints where constraint_type = 'FOREIGN KEY'"
                    + " and table_schema = 'metering' and constraint_name not like 'budget_breaches%'")).as("no key into the cloud API's tables")
                    .isZero();
        }
    }

    @Test
    void meteringIngestsAndRollsUpBeforeTheCloudApiHasMigrated() throws Exception {
        TestDatabase db = TestDatabase.create(false);
        Vertx vertx = Vertx.vertx();
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        try (Instance metering = Instance.start(vertx, db.config(new TestClock(now)).withTick(Duration.ofMillis(200)))) {
            await().atMost(Duration.ofSeconds(15)).until(metering.service::isLeader);
            ZoneSim zone = new ZoneSim(UUID.randomUUID(), "early-bird", "small", 3);
            List<UsageRecord> records = new ArrayList<>();
            for (int s = 0; s < 20; s++) {
                records.add(zone.next(now.minusSeconds(60 - s), 1, true));
            }
            metering.ingest(records);
            // enforcement cannot run without the cloud API's tables; the roll-up does not wait for it
            await().atMost(Duration.ofSeconds(10)).until(() -> db.scalar("select count(*) from metering.usage_raw where not rolled") == 0);
            assertThat(db.scalar("select sum(cpu_ns) from metering.usage_day where zone = ?", zone.zone)).isEqualTo(records.get(19).cpuNanos());
            Http.Response early = Http.get(metering.url("/v1/accounts/early-bird/usage"));
            assertThat(early.status()).isEqualTo(503);
            assertThat(early.json().get("code").asText()).isEqualTo("ServiceUnavailable");

            db.migrateCloudApi();

            // a tenant metering knows only from its records (no cloud API account) is still reported, by its name
            Http.Response later = Http.get(metering.url("/v1/accounts/early-bird/usage?granularity=total"));
            assertThat(later.status()).as(later.body()).isEqualTo(200);
            assertThat(later.json().get("total").get("cpu_seconds").asDouble()).isEqualTo(records.get(19).cpuNanos() / 1e9);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }
}
