package io.gantry.agent.net;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * A union of boxes (an address interval × a value interval: ports, or ICMP type·256+code) rewritten as boxes that do
 * not overlap, which nft's interval sets with concatenated keys require (the kernel refuses overlapping elements).
 * Pure. The result covers exactly the points the input covers: address segments between the input's boundaries, each
 * with the merged union of the value intervals of the boxes over it; neighbouring segments with the same values are
 * joined.
 */
final class DisjointBoxes {

    /** Addresses {@code lo..hi} (inclusive) × values {@code from..to} (inclusive). */
    record Box(BigInteger lo, BigInteger hi, int from, int to) {
    }

    private DisjointBoxes() {
    }

    static List<Box> of(List<Box> boxes) {
        if (boxes.isEmpty()) {
            return List.of();
        }
        TreeSet<BigInteger> bounds = new TreeSet<>();
        for (Box b : boxes) {
            bounds.add(b.lo());
            bounds.add(b.hi().add(BigInteger.ONE));
        }
        List<Box> byStart = new ArrayList<>(boxes);
        byStart.sort(Comparator.comparing(Box::lo));
        PriorityQueue<Box> active = new PriorityQueue<>(Comparator.comparing(Box::hi));
        int next = 0;
        List<Box> out = new ArrayList<>();
        BigInteger runLo = null;
        BigInteger runHi = null;
        List<int[]> runValues = List.of();
        List<BigInteger> points = new ArrayList<>(bounds);
        for (int i = 0; i + 1 < points.size(); i++) {
            BigInteger lo = points.get(i);
            BigInteger hi = points.get(i + 1).subtract(BigInteger.ONE);
            while (next < byStart.size() && byStart.get(next).lo().compareTo(lo) <= 0) {
                active.add(byStart.get(next++));
            }
            while (!active.isEmpty() && active.peek().hi().compareTo(lo) < 0) {
                active.poll();
            }
            List<int[]> values = merged(active);
            if (runLo != null && sameValues(values, runValues) && runHi.add(BigInteger.ONE).equals(lo)) {
                runHi = hi;
                continue;
            }
            emit(out, runLo, runHi, runValues);
            runLo = lo;
            runHi = hi;
            runValues = values;
        }
        emit(out, runLo, runHi, runValues);
        return out;
    }

    private static void emit(List<Box> out, BigInteger lo, BigInteger hi, List<int[]> values) {
        if (lo == null) {
            return;
        }
        for (int[] v : values) {
            out.add(new Box(lo, hi, v[0], v[1]));
        }
    }

    private static List<int[]> merged(PriorityQueue<Box> active) {
        List<int[]> intervals = new ArrayList<>();
        for (Box b : active) {
            intervals.add(new int[] {b.from(), b.to()});
        }
        intervals.sort(Comparator.comparingInt(a -> a[0]));
        List<int[]> out = new ArrayList<>();
        for (int[] v : intervals) {
            if (!out.isEmpty() && v[0] <= out.get(out.size() - 1)[1] + 1) {
                int[] last = out.get(out.size() - 1);
                last[1] = Math.max(last[1], v[1]);
            } else {
                out.add(new int[] {v[0], v[1]});
            }
        }
        return out;
    }

    private static boolean sameValues(List<int[]> a, List<int[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i)[0] != b.get(i)[0] || a.get(i)[1] != b.get(i)[1]) {
                return false;
            }
        }
        return true;
    }
}
