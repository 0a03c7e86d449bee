package io.gantry.provisioner.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomOrderTest {
    @Test
    void visitsEveryIndexExactlyOnce() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n = 0; n <= 300; n++) {
            for (int trial = 0; trial < 5; trial++) {
                RandomOrder order = new RandomOrder(n, random);
                BitSet seen = new BitSet(n);
                int count = 0;
                while (order.hasNext()) {
                    int i = order.next();
                    assertThat(seen.get(i)).as("n=%d index %d twice", n, i).isFalse();
                    seen.set(i);
                    count++;
                }
                assertThat(count).isEqualTo(n);
            }
        }
    }

    @Test
    void differentPlacementsStartAndWalkDifferently() {
        SplittableRandom random = new SplittableRandom(5);
        Set<String> firstThree = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            RandomOrder order = new RandomOrder(10_000, random);
            firstThree.add(order.next() + "," + order.next() + "," + order.next());
        }
        assertThat(firstThree).hasSize(50);
    }
}
