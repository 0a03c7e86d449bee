package io.gantry.metering;

import io.gantry.metering.api.ApiObserver;
import io.gantry.metering.store.UsageStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/**
 * Metering's meters, as Prometheus names them:
 * <ul>
 * <li>{@code gantry_metering_http_requests_seconds} (route, method, status)</li>
 * <li>{@code gantry_metering_ingested_records_total} (outcome: stored, duplicate)</li>
 * <li>{@code gantry_metering_ingest_batch_seconds}: from a batch's arrival to its commit</li>
 * <li>{@code gantry_metering_rollup_records_total}, {@code gantry_metering_rollup_lag_seconds}: now minus
 *     the time of the newest record rolled up (on the leader; NaN elsewhere)</li>
 * <li>{@code gantry_metering_leader}: 1 on the instance that rolls up and enforces</li>
 * <li>{@code gantry_metering_budget_actions_total} (policy: notify, throttle, unthrottle, stop)</li>
 * <li>{@code gantry_metering_tenant_cpu_seconds}, {@code _tenant_instance_seconds},
 *     {@code _tenant_network_in_bytes}, {@code _tenant_network_out_bytes} (account: login): the
 *     current UTC month so far</li>
 * </ul>
 * Everything registered here is removed from the registry on {@link #close()}.
 */
public final class MeteringMetrics implements ApiObserver, AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final Clock clock;
    private final Set<Meter> mine = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Instant> newestRolled = new AtomicReference<>();
    private final AtomicInteger leader = new AtomicInteger();
    private final Map<String, UsageStore.MonthTotal> month = new ConcurrentHashMap<>();
    private final Set<String> tenantsWithGauges = ConcurrentHashMap.newKeySet();
    private final Counter stored;
    private final Counter duplicates;
    private final Counter rolled;
    private final Timer ingestBatch;

    MeteringMetrics(PrometheusMeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        stored = keep(Counter.builder("gantry.metering.ingested.records").tag("outcome", "stored")
                .description("usage records stored").register(registry));
        duplicates = keep(Counter.builder("gantry.metering.ingested.records").tag("outcome", "duplicate")
                .description("usage records received again (already stored)").register(registry));
        ingestBatch = keep(Timer.builder("gantry.metering.ingest.batch").description("a usage batch from arrival to commit")
                .register(registry));
        rolled = keep(Counter.builder("gantry.metering.rollup.records").description("usage records rolled up").register(registry));
        keep(Gauge.builder("gantry.metering.rollup.lag", this, MeteringMetrics::lagSeconds).baseUnit("seconds")
                .description("now minus the time of the newest usage record rolled up (leader only)").register(registry));
        keep(Gauge.builder("gantry.metering.leader", leader, AtomicInteger::get)
                .description("1 if this instance leads (rolls up and enforces budgets)").register(registry));
        for (String policy : List.of("notify", "throttle", "unthrottle", "stop")) {
            budgetAction(policy, 0);
        }
    }

    private <M extends Meter> M keep(M meter) {
        mine.add(meter);
        return meter;
    }

    @Override
    public void request(String route, String method, int status, long nanos) {
        keep(Timer.builder("gantry.metering.http.requests").tag("route", route).tag("method", method)
                .tag("status", Integer.toString(status)).description("HTTP requests served").register(registry))
                .record(Duration.ofNanos(nanos));
    }

    @Override
    public void ingested(int received, int stored, long nanos) {
        this.stored.increment(stored);
        duplicates.increment(received - stored);
        ingestBatch.record(Duration.ofNanos(nanos));
    }

    void rolledUp(int records, Instant newest) {
        rolled.increment(records);
        if (newest != null) {
            newestRolled.accumulateAndGet(newest, (a, b) -> a == null || b.isAfter(a) ? b : a);
        }
    }

    void leader(boolean leads) {
        leader.set(leads ? 1 : 0);
        if (!leads) {
            newestRolled.set(null);
        }
    }

    void budgetAction(String policy, int count) {
        keep(Counter.builder("gantry.metering.budget.actions").tag("policy", policy)
                .description("budget enforcement actions taken").register(registry)).increment(count);
    }

    /** Replaces the per-tenant month gauges' values; a tenant with no usage this month (any more) reads 0. */
    void month(List<UsageStore.MonthTotal> totals) {
        Map<String, UsageStore.MonthTotal> fresh = new HashMap<>();
        for (UsageStore.MonthTotal t : totals) {
            fresh.put(t.login(), t);
        }
        for (String known : month.keySet()) {
            fresh.putIfAbsent(known, new UsageStore.MonthTotal(known, 0, 0, 0, 0));
        }
        month.putAll(fresh);
        for (String login : fresh.keySet()) {
            if (tenantsWithGauges.add(login)) {
                tenantGauge(login, "gantry.metering.tenant.cpu", "seconds", m -> m.cpuNs() / 1e9);
                tenantGauge(login, "gantry.metering.tenant.instance", "seconds", m -> m.instanceMs() / 1000.0);
                tenantGauge(login, "gantry.metering.tenant.network.in", "bytes", UsageStore.MonthTotal::netRxBytes);
                tenantGauge(login, "gantry.metering.tenant.network.out", "bytes", UsageStore.MonthTotal::netTxBytes);
            }
        }
    }

    private void tenantGauge(String login, String name, String unit, ToDoubleFunction<UsageStore.MonthTotal> value) {
        keep(Gauge.builder(name, month, m -> {
            UsageStore.MonthTotal t = m.get(login);
            return t == null ? 0 : value.applyAsDouble(t);
        }).tag("account", login).baseUnit(unit).description("usage of the tenant in the current UTC month").register(registry));
    }

    private double lagSeconds() {
        Instant newest = newestRolled.get();
        return newest == null ? Double.NaN : Math.max(0, Duration.between(newest, clock.instant()).toMillis() / 1000.0);
    }

    @Override
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        for (Meter m : mine) {
            registry.remove(m);
        }
        mine.clear();
    }
}
