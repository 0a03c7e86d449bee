package io.gantry.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SamplesTest {
    @Test
    void nearestRankPercentiles() {
        Samples s = new Samples();
        for (int ms = 100; ms >= 1; ms--) {
            s.add(ms * 1_000_000L);
        }
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(50.0);
        assertThat(s.p99()).isEqualTo(99.0);
        assertThat(s.percentile(100)).isEqualTo(100.0);
    }

    @Test
    void smallSetsTakeTheLargestForHighPercentiles() {
        Samples s = new Samples();
        s.add(3_000_000L);
        s.add(1_000_000L);
        s.add(2_000_000L);
        assertThat(s.p50()).isEqualTo(2.0);
        assertThat(s.p99()).isEqualTo(3.0);
    }

    @Test
    void emptyIsNotANumber() {
        assertThat(new Samples().p50()).isNaN();
    }
}
