package io.gantry.bench.portal;

import io.gantry.bench.Samples;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times several ways of getting the same thing one call at a time, taking turns (round i starts with way i mod n), so
 * that each sees the same machine: the same JIT state, the same other load, the same hour. A call that throws ends
 * the run.
 */
final class Interleaved {
    /**
     * One way of getting the thing: a call that returns when it has all of it, with the check of its answer, which
     * runs outside the timing and throws if the answer is wrong.
     */
    interface Call {
        Runnable run() throws Exception;
    }

    private final Map<String, Call> calls = new LinkedHashMap<>();

    Interleaved add(String name, Call call) {
        calls.put(name, call);
        return this;
    }

    /** {@code warmup} unmeasured rounds, then {@code rounds} measured ones; the samples per name, in the order added. */
    Map<String, Samples> run(int warmup, int rounds, java.util.function.Consumer<String> progress) throws Exception {
        List<String> names = new ArrayList<>(calls.keySet());
        Map<String, Samples> samples = new LinkedHashMap<>();
        names.forEach(n -> samples.put(n, new Samples()));
        for (int round = -warmup; round < rounds; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get(Math.floorMod(round + k, names.size()));
                long t0 = System.nanoTime();
                long took;
                try {
                    Runnable check = calls.get(name).run();
                    took = System.nanoTime() - t0;
                    check.run();
                } catch (Exception e) {
                    throw new IllegalStateException(name + ", round " + round + ": " + e.getMessage(), e);
                }
                if (round >= 0) {
                    samples.get(name).add(took);
                }
            }
            if (round == -1 && warmup > 0) {
                progress.accept("warm-up done (" + warmup + " rounds)");
            } else if (round >= 0 && (round + 1) % Math.max(1, rounds / 5) == 0) {
                progress.accept("round " + (round + 1) + "/" + rounds);
            }
        }
        return samples;
    }
}
