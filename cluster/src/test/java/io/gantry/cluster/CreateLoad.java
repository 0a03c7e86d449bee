package io.gantry.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several clients creating machines through the load balancer while a test breaks the cluster: each create has its
 * own caller-chosen {@code uuid} and is sent again with it until answered, as Triton's clients retry. Afterwards it says
 * which creates were acknowledged, which needed retries, and whether any answer named another machine.
 */
final class CreateLoad {
    private final String prefix;
    private final List<UUID> ids = new ArrayList<>();
    private final Set<UUID> acked = ConcurrentHashMap.newKeySet();
    private final Set<UUID> retried = ConcurrentHashMap.newKeySet();
    private final Map<UUID, UUID> answered = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong lastFailure = new AtomicLong();
    private final List<Future<?>> sent = new ArrayList<>();
    private final ExecutorService clients;

    private CreateLoad(String prefix, int clients) {
        this.prefix = prefix;
        this.clients = Executors.newFixedThreadPool(clients);
    }

    /** Starts {@code creates} creates named {@code <tag><random>-<i>} from {@code clients} clients, each retried for up to {@code limit}. */
    static CreateLoad start(TenantMachines machines, String tag, int creates, int clients, Duration limit) {
        CreateLoad load = new CreateLoad(tag + Long.toString(System.nanoTime() % 100_000, 36) + "-", clients);
        for (int i = 0; i < creates; i++) {
            UUID id = UUID.randomUUID();
            String name = load.prefix + i;
            load.ids.add(id);
            load.sent.add(load.clients.submit(() -> Retry.untilOk(() -> machines.create(id, name), limit, failure -> {
                load.failures.incrementAndGet();
                load.retried.add(id);
                load.lastFailure.set(System.nanoTime());
            }).ifPresent(r -> {
                load.acked.add(id);
                load.answered.put(id, UUID.fromString(r.json().get("id").toString()));
            })));
        }
        return load;
    }

    /** Waits until at least {@code n} creates were answered. */
    void awaitAcked(int n) {
        while (acked.size() < n && !sent.stream().allMatch(Future::isDone)) {
            Pause.millis(5);
        }
    }

    /** Waits until every client has its answer or gave up. */
    void finish() throws Exception {
        for (Future<?> f : sent) {
            f.get();
        }
        clients.shutdown();
    }

    String prefix() {
        return prefix;
    }

    List<UUID> ids() {
        return ids;
    }

    Set<UUID> acked() {
        return acked;
    }

    int failures() {
        return failures.get();
    }

    int retried() {
        return retried.size();
    }

    /** Milliseconds from {@code since} (System.nanoTime) to the last failed try after it; 0 if none failed after it. */
    long failingFor(long since) {
        long last = lastFailure.get();
        return last > since ? (last - since) / 1_000_000 : 0;
    }

    /** Creates answered with another machine's id than the one they asked for. */
    int answeredWithOtherIds() {
        return (int) answered.entrySet().stream().filter(e -> !e.getKey().equals(e.getValue())).count();
    }

    /** Machines more than one per create: surplus records, zones doubled on the nodes, answers naming another id. */
    int doubled(long records, Map<String, Integer> zones) {
        return (int) Math.max(0, records - ids.size()) + TenantMachines.doubled(zones).size() + answeredWithOtherIds();
    }

    /** Creates not acknowledged, or acknowledged without exactly one zone on the nodes. */
    int lost(Map<String, Integer> zones) {
        return (int) ids.stream().filter(id -> !acked.contains(id) || zones.getOrDefault(id.toString(), 0) != 1).count();
    }
}
