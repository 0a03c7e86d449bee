package io.gantry.bench.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gantry.bench.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetBenchMathTest {
    @Test
    void pingRepliesBecomeRoundTripSamplesAndTheSummaryLineIsNotOne() {
        Samples s = PingRtt.parse("""
                PING 10.9.0.2 (10.9.0.2): 56 data bytes
                64 bytes from 10.9.0.2: seq=0 ttl=64 time=0.057 ms
                64 bytes from 10.9.0.2: seq=1 ttl=64 time=1.250 ms
                64 bytes from 10.9.0.2: seq=2 ttl=64 time=0.061 ms

                --- 10.9.0.2 ping statistics ---
                3 packets transmitted, 3 packets received, 0% packet loss
                round-trip min/avg/max = 0.057/0.456/1.250 ms
                """);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.p50()).isCloseTo(0.061, within(1e-9));
        assertThat(s.percentile(100)).isCloseTo(1.25, within(1e-9));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Gbits.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
        assertThat(Gbits.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(Gbits.perRun(List.of(9.414, 1.0))).isEqualTo("9.41 · 1.00");
    }
}
