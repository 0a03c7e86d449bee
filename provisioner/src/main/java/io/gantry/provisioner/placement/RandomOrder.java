package io.gantry.provisioner.placement;

import java.util.random.RandomGenerator;

/**
 * A random visiting order over {@code 0..n-1} in O(1) space: a random start and a random stride coprime with
 * {@code n}, so {@code start + i * stride (mod n)} visits every index exactly once. Concurrent placements start in
 * different places and walk different strides, so they rarely look at (and race for) the same nodes; and a
 * placement that stops after a few feasible nodes never pays for shuffling all of them.
 */
final class RandomOrder {
    private final int n;
    private final long start;
    private final long stride;
    private int visited;

    RandomOrder(int n, RandomGenerator random) {
        this.n = n;
        this.start = n == 0 ? 0 : random.nextInt(n);
        long s = 1;
        if (n > 2) {
            do {
                s = 1 + random.nextInt(n - 1);
            } while (gcd(s, n) != 1);
        }
        this.stride = s;
    }

    boolean hasNext() {
        return visited < n;
    }

    /** The next index; call only while {@link #hasNext()}. */
    int next() {
        return (int) ((start + stride * visited++) % n);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
