package io.gantry.bench.provision;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;

/**
 * The floor: the writes one provision and one delete inherently need, done directly, with nothing of Gantry around
 * them, at a given concurrency. Per machine: {@link #COMMITS} PostgreSQL commits of one small row write each (the
 * create's record, its placement, its dispatch and its outcome; the same four for the delete) and the ZooKeeper
 * writes of its two tasks (per task: create the task; create the answer and delete the task in one transaction;
 * delete the answer). Reported as machines per second (create + delete).
 */
final class BareWrites {
    static final int COMMITS = 8;
    static final int ZK_WRITES_PER_MACHINE = 6;

    record Result(int machines, double seconds) {
        double machinesPerSecond() {
            return machines / seconds;
        }
    }

    static Result run(String jdbcUrl, String user, String password, CuratorFramework zk, int machines, int threads) throws Exception {
        try (Connection setup = DriverManager.getConnection(jdbcUrl, user, password); var st = setup.createStatement()) {
            st.execute("create table if not exists bench_bare_writes (id uuid primary key, state text not null, updated timestamptz not null)");
        }
        zk.create().creatingParentsIfNeeded().forPath("/bench-bare/tasks");
        zk.create().creatingParentsIfNeeded().forPath("/bench-bare/results");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
                        c.setAutoCommit(true);
                        try (PreparedStatement insert = c.prepareStatement("insert into bench_bare_writes values (?, 'queued', now())");
                             PreparedStatement update = c.prepareStatement("update bench_bare_writes set state = ?, updated = now() where id = ?")) {
                            while (next.getAndIncrement() < machines) {
                                UUID id = UUID.randomUUID();
                                insert.setObject(1, id);
                                insert.executeUpdate();
                                for (int i = 1; i < COMMITS; i++) {
                                    update.setString(1, "s" + i);
                                    update.setObject(2, id);
                                    update.executeUpdate();
                                }
                                for (String kind : new String[] {"create", "delete"}) {
                                    String task = "/bench-bare/tasks/" + id + "-" + kind;
                                    String result = "/bench-bare/results/" + id + "-" + kind;
                                    byte[] data = ("{\"machine\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
                                    zk.create().forPath(task, data);
                                    zk.transaction().forOperations(zk.transactionOp().create().forPath(result, data),
                                            zk.transactionOp().delete().forPath(task));
                                    zk.delete().forPath(result);
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(machines, (System.nanoTime() - t0) / 1e9);
    }

    private BareWrites() {
    }
}
