package io.gantry.bench.portal;

import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.SignedClient.Reply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Makes an account's machines through the cloud API ({@code POST /my/machines}, as a tenant would, a few at a time)
 * and waits until the record says every one of them runs.
 */
final class MachineMaker {
    private static final int IN_FLIGHT = 4;

    private final BiFunction<String, Object, Reply> post;
    private final FreshDatabase record;
    private final Consumer<String> progress;

    /** {@code post} sends a POST of a body as the account; {@code record} is the cloud API's database, read to wait. */
    MachineMaker(BiFunction<String, Object, Reply> post, FreshDatabase record, Consumer<String> progress) {
        this.post = post;
        this.record = record;
        this.progress = progress;
    }

    /** Creates {@code count} machines named {@code m0001}... of the image and package, and waits until all run. */
    void make(String login, int count, String image, String pkg, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            Future<?>[] sent = new Future<?>[count];
            for (int i = 0; i < count; i++) {
                String name = String.format("m%04d", i + 1);
                sent[i] = pool.submit(() -> {
                    Reply r = post.apply("/my/machines", Map.of("name", name, "image", image, "package", pkg,
                            "tags", Map.of("role", name.hashCode() % 3 == 0 ? "db" : "web")));
                    if (r.status() != 201) {
                        throw new IllegalStateException("POST /my/machines (" + name + ") answered " + r);
                    }
                    return null;
                });
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        progress.accept(String.format("%d machines accepted by the API in %.1f s; waiting until they run", count,
                (System.nanoTime() - t0) / 1e9));
        long deadline = System.nanoTime() + timeout.toNanos();
        long shown = -1;
        while (true) {
            long running = record.scalar("select count(*) from machines m join accounts a on a.id = m.account_id "
                    + "where a.login = ? and m.state = 'running'", login);
            if (running / 100 != shown / 100) {
                progress.accept("  " + running + "/" + count + " running");
                shown = running;
            }
            if (running >= count) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + running + " of " + count + " machines running after " + timeout);
            }
            Thread.sleep(100);
        }
        progress.accept(String.format("%d machines running %.1f s after the first POST", count, (System.nanoTime() - t0) / 1e9));
    }
}
