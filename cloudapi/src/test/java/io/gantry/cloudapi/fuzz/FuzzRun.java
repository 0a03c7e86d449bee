package io.gantry.cloudapi.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Sends generated requests one after another, checks each answer and the record around it, and
 * counts: statuses, latencies, violations (each with the seed and the request's bytes), and which
 * routes were hit. Sequential on purpose: the record's digest before a request is the one after
 * the previous, so any change is pinned on one request.
 */
public final class FuzzRun {
    private static final int KEPT_VIOLATIONS = 20;
    /** Open jobs are settled (as a provisioner would) every so many requests, so actions keep finding machines they apply to. */
    private static final int SETTLE_EVERY = 400;
    /**
     * The record is digested after every request that may change it and after every so many
     * read-only ones; a read-only request that changed it is still caught, by the next digest.
     */
    private static final int READ_ONLY_SAMPLE = 8;

    private final FuzzWorld world;
    private final RequestGenerator generator;
    private final FuzzChecker checker;
    private final RawHttp http;
    private final long seed;

    public FuzzRun(FuzzWorld world, RequestGenerator generator, FuzzChecker checker, int timeoutMillis, long seed) {
        this.world = world;
        this.generator = generator;
        this.checker = checker;
        this.http = new RawHttp(world.host, world.port, timeoutMillis);
        this.seed = seed;
    }

    public record Report(long seed, long requests, double seconds, Map<String, Long> statuses, long violationCount,
                         List<String> violations, long[] latencyNanos, Map<RouteTemplate, long[]> routes, long twins,
                         Map<FuzzRequest.Identity, long[]> identities) {
        public double perSecond() {
            return requests / seconds;
        }

        public double percentileMillis(double p) {
            if (latencyNanos.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latencyNanos.length) - 1;
            return latencyNanos[Math.max(0, Math.min(i, latencyNanos.length - 1))] / 1e6;
        }

        /** Routes no request aimed at. */
        public List<RouteTemplate> uncovered() {
            return routes.entrySet().stream().filter(e -> e.getValue()[0] == 0).map(Map.Entry::getKey).toList();
        }

        public String summary() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "seed %d: %d requests in %.1f s (%.0f/s), p50 %.2f ms, p99 %.2f ms, max %.2f ms, "
                            + "%d foreign-id twins, %d violations%n", seed, requests, seconds, perSecond(), percentileMillis(50),
                    percentileMillis(99), percentileMillis(100), twins, violationCount));
            sb.append("statuses: ").append(statuses).append('\n');
            routes.forEach((route, n) -> sb.append(String.format(Locale.ROOT, "  %-45s %7d sent %7d accepted%n", route, n[0], n[1])));
            identities.forEach((identity, n) -> sb.append(String.format(Locale.ROOT, "  %-45s %7d sent %7d accepted%n", identity, n[0], n[1])));
            violations.forEach(v -> sb.append("VIOLATION ").append(v).append("\n\n"));
            return sb.toString();
        }
    }

    public Report run(long requests, Consumer<String> progress) {
        Map<String, Long> statuses = new TreeMap<>();
        Map<RouteTemplate, long[]> routes = new LinkedHashMap<>();
        generator.routes().forEach(r -> routes.put(r, new long[2]));
        Map<FuzzRequest.Identity, long[]> identities = new java.util.EnumMap<>(FuzzRequest.Identity.class);
        long[] latencies = new long[(int) requests];
        List<String> kept = new ArrayList<>();
        long violations = 0;
        long twins = 0;
        long[] phases = new long[4];
        long lastDigest = -1;
        long start = System.nanoTime();
        Map<String, String> before = digests();
        for (long i = 0; i < requests; i++) {
            if (i > 0 && i % SETTLE_EVERY == 0) {
                world.settle();
                before = digests();
                lastDigest = i - 1;
            }
            if (progress != null && i > 0 && i % 10_000 == 0) {
                progress.accept(i + " requests, " + violations + " violations");
            }
            long t0 = System.nanoTime();
            FuzzRequest q = generator.next();
            long t1 = System.nanoTime();
            RawHttp.Outcome o = http.send(q.wire(), q.halfClose(), q.head());
            long t2 = System.nanoTime();
            phases[0] += t1 - t0;
            phases[1] += t2 - t1;
            latencies[(int) i] = o.nanos();
            statuses.merge(o instanceof RawHttp.Answer a ? Integer.toString(a.status()) : ((RawHttp.NoAnswer) o).why().toString(), 1L,
                    Long::sum);
            long[] byIdentity = identities.computeIfAbsent(q.identity(), k -> new long[2]);
            byIdentity[0]++;
            if (o instanceof RawHttp.Answer a && a.status() / 100 == 2 && !q.route().path().equals("/--ping")) {
                byIdentity[1]++; // ping needs no signature: not counted as accepted
            }
            long[] counts = routes.get(q.route());
            if (counts != null) {
                counts[0]++;
                if (o instanceof RawHttp.Answer a && a.status() / 100 == 2) {
                    counts[1]++;
                }
            }
            List<String> found = new ArrayList<>(checker.check(q, o));
            long t3 = System.nanoTime();
            phases[2] += t3 - t2;
            if (!q.readOnly() || q.foreignPath() || i % READ_ONLY_SAMPLE == 0) {
                Map<String, String> after = o instanceof RawHttp.NoAnswer ? settled() : digests();
                phases[3] += System.nanoTime() - t3;
                List<String> changed = checker.checkRecord(q, o, before, after);
                if (!changed.isEmpty() && lastDigest < i - 1) {
                    String alsoSuspect = " (or one of the read-only requests #" + (lastDigest + 1) + " to #" + (i - 1) + " did)";
                    changed = changed.stream().map(c -> c + alsoSuspect).toList();
                }
                found.addAll(changed);
                before = after;
                lastDigest = i;
            }
            checker.learn(q, o);
            if (q.foreignPath() && o instanceof RawHttp.Answer a) {
                twins++;
                FuzzRequest twin = generator.twin(q);
                RawHttp.Outcome t = http.send(twin.wire(), twin.halfClose(), twin.head());
                String was = outcomeKey(o);
                String is = outcomeKey(t);
                if (!was.equals(is)) {
                    found.add("another tenant's resource answered " + was + ", a resource that does not exist " + is
                            + ": the answer tells whether the other tenant has it. The twin request:\n" + Wire.printable(twin.wire(), 1500));
                }
                Map<String, String> afterTwin = digests();
                found.addAll(checker.checkRecord(twin, t, before, afterTwin));
                before = afterTwin;
                lastDigest = i;
            }
            if (!found.isEmpty()) {
                violations += found.size();
                if (kept.size() < KEPT_VIOLATIONS) {
                    kept.add(String.join("; ", found) + "\n" + q.describe(seed));
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        if (progress != null) {
            progress.accept(String.format(Locale.ROOT, "time spent: generating and signing %.1f s, sending %.1f s, checking %.1f s, "
                    + "record digests %.1f s", phases[0] / 1e9, phases[1] / 1e9, phases[2] / 1e9, phases[3] / 1e9));
        }
        return new Report(seed, requests, seconds, statuses, violations, kept, sorted, routes, twins, identities);
    }

    /** Status and error code, the part of an answer that must not depend on whether another tenant has the resource. */
    private static String outcomeKey(RawHttp.Outcome o) {
        if (!(o instanceof RawHttp.Answer a)) {
            return ((RawHttp.NoAnswer) o).why().toString();
        }
        String body = a.bodyText();
        int at = body.indexOf("\"code\":\"");
        String code = at < 0 ? "" : body.substring(at + 8, Math.max(at + 8, body.indexOf('"', at + 8)));
        return a.status() + (code.isEmpty() ? "" : " " + code);
    }

    private Map<String, String> digests() {
        return world.digests();
    }

    /**
     * The digests once the record has stopped changing: a request the client abandoned may still be
     * carried out after the connection closed, and its change must not be blamed on the next one.
     */
    private Map<String, String> settled() {
        try {
            Thread.sleep(200); // time for the server to notice the closed connection and finish the request
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, String> last = digests();
        for (int tries = 0; tries < 10; tries++) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Map<String, String> now = digests();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }
}
