package io.gantry.bench.net;

import io.gantry.testkit.NetnsShell;
import io.gantry.testkit.TcpBannerListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Watches new TCP connections from one namespace to a {@link TcpBannerListener} until they show a wanted outcome
 * (served, or not). A probe that waits to see connections blocked gives up on a connection after
 * {@link #PROBE_TIMEOUT} (a slow answer must not pass for a drop); one that waits to see them served gives up after
 * {@link #SERVED_TIMEOUT} (a slow answer only delays the observation), and several such probers run staggered so a
 * dropped connection does not hide the moment the path opened. The answer is the start of the first probe that saw
 * the wanted outcome: within a probe's own start-up (a few ms), plus up to the stagger ({@value #STAGGER_MS} ms) when
 * waiting to be served, of when the change took effect.
 */
final class EnforcementProbe implements AutoCloseable {
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);
    static final Duration SERVED_TIMEOUT = Duration.ofMillis(100);
    static final int STAGGER_MS = 20;
    static final int PROBERS = 5;
    private final String clientNetns;
    private final String ip;
    private final int port;
    private final ExecutorService pool = Executors.newFixedThreadPool(PROBERS);

    EnforcementProbe(String clientNetns, String ip, int port) {
        this.clientNetns = clientNetns;
        this.ip = ip;
        this.port = port;
    }

    /** One new connection: served (the banner came back) or not (refused, dropped, silent). */
    boolean served() {
        return served(PROBE_TIMEOUT);
    }

    private boolean served(Duration timeout) {
        return NetnsShell.in(clientNetns, timeout, "/bin/busybox", "nc", "-w", "1", ip, Integer.toString(port))
                .stdout().contains(TcpBannerListener.BANNER);
    }

    /**
     * Runs {@code change} (timed by the caller's clock from {@code t0}) while probing; returns nanoseconds from
     * {@code t0} to the start of the first probe whose outcome was {@code wantServed}.
     */
    long nanosUntil(boolean wantServed, long t0, Runnable change, Duration limit) throws Exception {
        long deadline = t0 + limit.toNanos();
        List<Future<Long>> probers = new ArrayList<>();
        int count = wantServed ? PROBERS : 1;
        for (int i = 0; i < count; i++) {
            long stagger = i * TimeUnit.MILLISECONDS.toNanos(STAGGER_MS);
            probers.add(pool.submit(() -> probeUntil(wantServed, t0 + stagger, deadline, System::nanoTime)));
        }
        change.run();
        long first = Long.MAX_VALUE;
        for (Future<Long> f : probers) {
            first = Math.min(first, f.get(limit.toMillis() + 5_000, TimeUnit.MILLISECONDS));
        }
        if (first == Long.MAX_VALUE) {
            throw new IllegalStateException("traffic to " + ip + ":" + port + " was not " + (wantServed ? "served" : "blocked")
                    + " within " + limit);
        }
        return Math.max(0, first - t0);
    }

    private Long probeUntil(boolean wantServed, long notBefore, long deadline, LongSupplier clock) throws InterruptedException {
        while (clock.getAsLong() < notBefore) {
            Thread.sleep(1);
        }
        while (clock.getAsLong() < deadline) {
            long start = clock.getAsLong();
            if (served(wantServed ? SERVED_TIMEOUT : PROBE_TIMEOUT) == wantServed) {
                return start;
            }
        }
        return Long.MAX_VALUE;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
