package io.gantry.cluster.nemesis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Steady create, resize and delete load from several clients, each a tenant of its own acting on its own machines
 * one request at a time (a Jepsen process), with reads between. An operation whose answer is lost is retried with
 * the same machine UUID (a create) or the same machine (a delete) up to {@link Settings#retries()} times; each try is
 * its own invoke in the history, and a machine still unknown after the last try stays unknown: the workload leaves it
 * alone and the checker allows either outcome.
 */
public final class Workload {
    /**
     * @param packages         two or more package names: creates take the first, resizes move between them
     * @param livePerClient    at most this many machines a client keeps (its account's limits must allow them)
     * @param pause            between two operations of a client
     * @param retries          further tries of a create or delete whose answer was lost
     */
    public record Settings(List<String> packages, int livePerClient, Duration pause, int retries) {
        public Settings {
            if (packages.size() < 2) {
                throw new IllegalArgumentException("a resize needs two packages to move between");
            }
            packages = List.copyOf(packages);
        }
    }

    private final List<TenantClient> clients;
    private final Settings settings;
    private final long seed;

    public Workload(List<TenantClient> clients, Settings settings, long seed) {
        this.clients = List.copyOf(clients);
        this.settings = settings;
        this.seed = seed;
    }

    List<TenantClient> clients() {
        return clients;
    }

    /** Runs every client until {@code duration} has passed (the operation under way then completes). */
    public void runFor(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                ClientLoop loop = new ClientLoop(clients.get(i), new Random(seed + i));
                running.add(pool.submit(() -> loop.runUntil(deadline)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a workload client died: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** One client's loop and what it knows of its machines: those it believes exist, with their package. */
    private final class ClientLoop {
        private final TenantClient client;
        private final Random random;
        private final Map<UUID, String> live = new LinkedHashMap<>();

        ClientLoop(TenantClient client, Random random) {
            this.client = client;
            this.random = random;
        }

        void runUntil(long deadline) {
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                step();
                sleep(settings.pause());
            }
        }

        private void step() {
            double r = random.nextDouble();
            if (live.isEmpty() || r < 0.35 && live.size() < settings.livePerClient()) {
                create();
            } else if (r < 0.6) {
                delete(pick());
            } else if (r < 0.8) {
                resize(pick());
            } else if (r < 0.9) {
                client.get(pick());
            } else {
                client.list();
            }
        }

        private void create() {
            UUID id = UUID.randomUUID();
            String pkg = settings.packages().get(0);
            for (int attempt = 0; attempt <= settings.retries(); attempt++) {
                Op done = client.create(id, pkg);
                if (done.type() == Op.Type.OK) {
                    live.put(id, pkg);
                    return;
                }
                if (done.type() == Op.Type.FAIL) {
                    return;
                }
                sleep(Duration.ofSeconds(1));
            }
        }

        private void delete(UUID id) {
            for (int attempt = 0; attempt <= settings.retries(); attempt++) {
                Op done = client.delete(id);
                if (done.type() == Op.Type.OK) {
                    live.remove(id);
                    return;
                }
                if (done.type() == Op.Type.FAIL) {
                    // e.g. a job still open, or a retry after the first delete went through: a read tells which
                    if (gone(client.get(id), id)) {
                        live.remove(id);
                    }
                    return;
                }
                sleep(Duration.ofSeconds(1));
            }
        }

        private void resize(UUID id) {
            List<String> others = new ArrayList<>(settings.packages());
            others.remove(live.get(id));
            String pkg = others.get(random.nextInt(others.size()));
            if (client.resize(id, pkg).type() == Op.Type.OK) {
                live.put(id, pkg);
            }
        }

        private UUID pick() {
            List<UUID> ids = new ArrayList<>(live.keySet());
            return ids.get(random.nextInt(ids.size()));
        }

        private boolean gone(Op read, UUID id) {
            String state = SeenStates.read(read.answer()).get(id);
            return read.ok() && (Checker.DELETED.equals(state) || SeenStates.ABSENT.equals(state));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
