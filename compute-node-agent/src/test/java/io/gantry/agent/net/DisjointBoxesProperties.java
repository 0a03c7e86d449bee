package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.net.DisjointBoxes.Box;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DisjointBoxesProperties {
    private static final int SPACE = 24;

    @Property(tries = 300)
    void coversExactlyWhatTheInputCovers(@ForAll("boxes") List<Box> boxes) {
        List<Box> disjoint = DisjointBoxes.of(boxes);
        for (int a = 0; a < SPACE; a++) {
            for (int v = 0; v < SPACE; v++) {
                assertThat(covered(disjoint, a, v)).as("address %d value %d", a, v).isEqualTo(covered(boxes, a, v));
            }
        }
    }

    @Property(tries = 300)
    void noTwoBoxesOverlap(@ForAll("boxes") List<Box> boxes) {
        List<Box> disjoint = DisjointBoxes.of(boxes);
        for (int i = 0; i < disjoint.size(); i++) {
            for (int j = i + 1; j < disjoint.size(); j++) {
                Box x = disjoint.get(i);
                Box y = disjoint.get(j);
                boolean addresses = x.lo().compareTo(y.hi()) <= 0 && y.lo().compareTo(x.hi()) <= 0;
                boolean values = x.from() <= y.to() && y.from() <= x.to();
                assertThat(addresses && values).as("%s and %s overlap", x, y).isFalse();
            }
        }
    }

    private static boolean covered(List<Box> boxes, int a, int v) {
        BigInteger address = BigInteger.valueOf(a);
        return boxes.stream().anyMatch(b -> b.lo().compareTo(address) <= 0 && b.hi().compareTo(address) >= 0
                && b.from() <= v && v <= b.to());
    }

    @Provide
    Arbitrary<List<Box>> boxes() {
        Arbitrary<Integer> point = Arbitraries.integers().between(0, SPACE - 1);
        return Combinators.combine(point, point, point, point).as((a, b, c, d) -> new Box(BigInteger.valueOf(Math.min(a, b)),
                BigInteger.valueOf(Math.max(a, b)), Math.min(c, d), Math.max(c, d))).list().ofMaxSize(8);
    }
}
