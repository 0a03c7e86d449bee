package io.gantry.metering;

import io.gantry.metering.budget.BudgetState;
import io.gantry.metering.store.EnforcementStore;
import io.gantry.metering.store.RollUpStore;
import io.gantry.metering.store.UsageStore;
import io.gantry.metering.usage.RollUp;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's work, once per tick, on metering's own Vert.x context: roll up what arrived, enforce
 * budgets on the result, delete raw records past retention, refresh the per-tenant gauges. Work on
 * this context runs strictly one piece at a time ({@link #serially}): Hibernate Reactive keeps its
 * current session in the Vert.x context, so two operations in flight on one (non-duplicated)
 * context would share, and close, each other's session. Confined to its context: every method
 * below runs on it.
 */
final class LeaderLoop {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderLoop.class);
    /** Records read per roll-up transaction; a tick runs a few such passes when there is a backlog. */
    static final int ROLLUP_BATCH = 20_000;
    private static final int ROLLUP_PASSES_PER_TICK = 5;
    private static final int RETENTION_BATCH = 10_000;

    private final Context context;
    private final RollUpStore rollUps;
    private final EnforcementStore enforcement;
    private final UsageStore usage;
    private final MeteringMetrics metrics;
    private final Clock clock;
    private final Duration tick;
    private final Duration rawRetention;
    private final Duration minuteRetention;
    private final BooleanSupplier stillLeader;
    private boolean leading;
    private boolean stopped;
    private long timer = -1;
    private Future<Void> tail = Future.succeededFuture();
    private boolean lastFailed;
    private String lastFailure;
    private long lastWarned;

    LeaderLoop(Context context, RollUpStore rollUps, EnforcementStore enforcement, UsageStore usage, MeteringMetrics metrics,
               MeteringConfig config, BooleanSupplier stillLeader) {
        this.context = context;
        this.rollUps = rollUps;
        this.enforcement = enforcement;
        this.usage = usage;
        this.metrics = metrics;
        this.clock = config.clock();
        this.tick = config.tick();
        this.rawRetention = config.rawRetention();
        this.minuteRetention = config.minuteRetention();
        this.stillLeader = stillLeader;
    }

    void lead() {
        if (stopped || leading) {
            return;
        }
        LOG.info("this metering instance now leads: rolling up every {} ms and enforcing budgets", tick.toMillis());
        leading = true;
        metrics.leader(true);
        schedule(0);
    }

    void follow() {
        if (!leading) {
            return;
        }
        LOG.info("this metering instance no longer leads");
        leading = false;
        metrics.leader(false);
        cancel();
    }

    /** Stops for good; the future completes when the work under way (if any) has ended. */
    Future<Void> stop() {
        stopped = true;
        follow();
        cancel();
        return tail;
    }

    /** Refreshes the per-tenant gauges while following (the leader does it every pass). */
    void refreshIfFollowing() {
        if (!leading && !stopped) {
            serially(this::refreshGauges).onFailure(e -> LOG.debug("could not refresh the per-tenant gauges: {}", e.toString()));
        }
    }

    /** Runs {@code work} once everything queued before it on this context has ended. */
    private <T> Future<T> serially(java.util.function.Supplier<Future<T>> work) {
        Future<T> result = tail.transform(ignored -> work.get());
        tail = result.<Void>mapEmpty().otherwiseEmpty();
        return result;
    }

    private void cancel() {
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
    }

    private void schedule(long delayMillis) {
        cancel();
        timer = context.owner().setTimer(Math.max(1, delayMillis), id -> {
            timer = -1;
            pass();
        });
    }

    private void pass() {
        if (!leading || stopped) {
            return;
        }
        if (!stillLeader.getAsBoolean()) {
            follow();
            return;
        }
        long started = System.nanoTime();
        // each step on its own: enforcement failing (say, the cloud API's tables are not there yet) must not
        // stop roll-up, retention or the gauges
        List<String> failed = new ArrayList<>();
        serially(() -> rollUp(0).otherwise(e -> {
            failed.add("roll-up: " + e);
            return false;
        }).compose(more -> step("budget enforcement", this::enforce, failed).map(more))
                .compose(more -> step("raw retention", this::retention, failed).map(more))
                .compose(more -> step("per-tenant gauges", this::refreshGauges, failed).map(more)))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        failed.add(ar.cause().toString());
                    }
                    if (!failed.isEmpty()) {
                        String text = failed.toString();
                        long now = System.nanoTime();
                        // at most once a minute while it keeps failing the same way
                        if (!lastFailed || !text.equals(lastFailure) || now - lastWarned > 60_000_000_000L) {
                            LOG.warn("metering leader pass failed (retrying every tick): {}", text);
                            lastWarned = now;
                        }
                        lastFailure = text;
                        lastFailed = true;
                    } else if (lastFailed) {
                        LOG.info("metering leader pass succeeded again");
                        lastFailed = false;
                    }
                    if (leading && !stopped) {
                        boolean backlog = ar.succeeded() && ar.result();
                        long spent = (System.nanoTime() - started) / 1_000_000;
                        schedule(backlog ? 0 : tick.toMillis() - spent);
                    }
                });
    }

    private static Future<Void> step(String name, java.util.function.Supplier<Future<Void>> work, List<String> failed) {
        return work.get().otherwise(e -> {
            failed.add(name + ": " + e);
            return null;
        });
    }

    /** Rolls up until nothing is pending or the tick's share is done; true if records are still waiting. */
    private Future<Boolean> rollUp(int pass) {
        return on(rollUps.rollUp(ROLLUP_BATCH)).compose(result -> {
            record(result);
            boolean full = result.applied() + result.stale() >= ROLLUP_BATCH;
            if (full && pass + 1 < ROLLUP_PASSES_PER_TICK && leading && !stopped) {
                return rollUp(pass + 1);
            }
            return Future.succeededFuture(full);
        });
    }

    private void record(RollUp.Result result) {
        if (result.isEmpty()) {
            return;
        }
        metrics.rolledUp(result.applied(), result.newest());
        if (result.regressions() > 0) {
            LOG.warn("{} usage record(s) had a counter lower than the zone's previous record (a broken agent?); their delta "
                    + "for that counter was taken as 0", result.regressions());
        }
    }

    private Future<Void> enforce() {
        return on(enforcement.enforce(clock.instant())).map(outcome -> {
            for (BudgetState fresh : outcome.newlyBreached()) {
                if (fresh.budget().policy() == io.gantry.metering.budget.Policy.NOTIFY) {
                    metrics.budgetAction("notify", 1);
                }
            }
            metrics.budgetAction("throttle", outcome.throttled());
            metrics.budgetAction("unthrottle", outcome.unthrottled());
            metrics.budgetAction("stop", outcome.stopped());
            return null;
        });
    }

    private Future<Void> retention() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(rawRetention);
        Instant minuteCutoff = now.minus(minuteRetention);
        return on(rollUps.deleteRolledBefore(cutoff, RETENTION_BATCH)).compose(n -> {
            if (n > 0) {
                LOG.debug("deleted {} raw usage records older than {}", n, cutoff);
            }
            return on(rollUps.deleteMinutesBefore(minuteCutoff, RETENTION_BATCH));
        }).map(n -> {
            if (n > 0) {
                LOG.debug("deleted {} minute roll-ups older than {}", n, minuteCutoff);
            }
            return null;
        });
    }

    private Future<Void> refreshGauges() {
        return on(usage.monthTotals(clock.instant())).map(totals -> {
            metrics.month(totals);
            return null;
        });
    }

    private <T> Future<T> on(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }
}
