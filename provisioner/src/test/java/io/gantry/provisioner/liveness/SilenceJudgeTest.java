package io.gantry.provisioner.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SilenceJudgeTest {
    private static final long MS = 1_000_000L;
    private final SilenceJudge judge = new SilenceJudge(Duration.ofMillis(1400));

    @Test
    void aNodeIsSilentOnlyOnceItsLastSignIsOlderThanTheWindow() {
        long t = 1_000_000 * MS;
        Map<String, Long> signs = Map.of("quiet", t, "chatty", t + 1300 * MS);
        for (long at = t; at <= t + 1400 * MS; at += 50 * MS) {
            assertThat(judge.silent(signs, at)).as("at +" + (at - t) / MS + " ms").isEmpty();
        }
        assertThat(judge.silent(signs, t + 1450 * MS)).containsExactly("quiet");
        assertThat(lookEvery50Ms(signs, t + 1500 * MS, t + 2750 * MS)).containsExactly("chatty", "quiet");
    }

    @Test
    void aOneSecondPauseBetweenBeatsIsNotSilence() {
        long t = 5_000 * MS;
        // beats every 100 ms, then none for 1.1 s (a 1 s pause just after a beat was due), then beats again
        long lastBeat = t + 100 * MS;
        for (long at = t + 150 * MS; at <= lastBeat + 1100 * MS; at += 50 * MS) {
            assertThat(judge.silent(Map.of("cn1", lastBeat), at)).isEmpty();
        }
    }

    @Test
    void aJudgeThatWasItselfAwayGivesEveryNodeAFullWindowAgain() {
        long t = 0;
        Map<String, Long> signs = Map.of("cn1", t);
        assertThat(judge.silent(signs, t + 50 * MS)).isEmpty();
        // the judge's own process stood still for 2 s: cn1's beats may be waiting unread in the socket
        assertThat(judge.silent(signs, t + 2050 * MS)).as("just back").isEmpty();
        assertThat(lookEvery50Ms(signs, t + 2100 * MS, t + 3450 * MS)).as("a window after it came back, still nothing").isEmpty();
        assertThat(judge.silent(signs, t + 3500 * MS)).containsExactly("cn1");
    }

    /** Looks every 50 ms from {@code from} to {@code to}; what the last look found. */
    private Set<String> lookEvery50Ms(Map<String, Long> signs, long from, long to) {
        Set<String> last = Set.of();
        for (long at = from; at <= to; at += 50 * MS) {
            last = judge.silent(signs, at);
        }
        return last;
    }

    @Test
    void lookingAtIntervalsShorterThanHalfTheWindowIsNotBeingAway() {
        long t = 0;
        Map<String, Long> signs = Map.of("cn1", t);
        for (long at = 0; at <= 1500 * MS; at += 650 * MS) {
            judge.silent(signs, at);
        }
        assertThat(judge.silent(signs, 1950 * MS)).containsExactly("cn1");
    }
}
