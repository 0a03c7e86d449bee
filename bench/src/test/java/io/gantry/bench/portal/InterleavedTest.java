package io.gantry.bench.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.bench.Samples;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterleavedTest {
    @Test
    void thePathsTakeTurnsEachRoundStartingWithTheNextAndTheWarmUpIsNotCounted() throws Exception {
        List<String> order = new ArrayList<>();
        Map<String, Samples> samples = new Interleaved()
                .add("a", () -> { order.add("a"); return () -> { }; })
                .add("b", () -> { order.add("b"); return () -> { }; })
                .add("c", () -> { order.add("c"); return () -> { }; })
                .run(1, 3, line -> { });
        // warm-up round -1 starts with c, then rounds 0, 1, 2 start with a, b, c
        assertThat(order).containsExactly("c", "a", "b", "a", "b", "c", "b", "c", "a", "c", "a", "b");
        assertThat(samples).containsOnlyKeys("a", "b", "c");
        assertThat(samples.values()).allSatisfy(s -> assertThat(s.count()).isEqualTo(3));
    }

    @Test
    void theCheckRunsOutsideTheTimingAndAWrongAnswerEndsTheRunNamingThePath() {
        Interleaved run = new Interleaved()
                .add("fine", () -> () -> { })
                .add("wrong", () -> () -> { throw new IllegalStateException("listed 999 machines, not 1000"); });
        assertThatThrownBy(() -> run.run(0, 2, line -> { }))
                .hasMessageContaining("wrong, round 0: listed 999 machines, not 1000");
    }

    @Test
    void aSlowCheckIsNotPartOfTheTime() throws Exception {
        Map<String, Samples> samples = new Interleaved()
                .add("quick call, slow check", () -> () -> sleep(50))
                .run(0, 2, line -> { });
        assertThat(samples.get("quick call, slow check").percentile(100)).isLessThan(40.0);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
