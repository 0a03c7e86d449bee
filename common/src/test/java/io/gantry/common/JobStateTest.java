package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobStateTest {
    @Test
    void theOpenStatesAreTheOnesBeforeAnOutcome() {
        assertThat(JobState.OPEN).containsExactlyInAnyOrder(JobState.QUEUED, JobState.PLACED, JobState.DISPATCHED);
        assertThat(JobState.SUCCEEDED.isOpen()).isFalse();
        assertThat(JobState.OPEN_SQL).isEqualTo("('queued', 'placed', 'dispatched')");
    }

    @Test
    void wireNamesRoundTripAndAnUnknownOneIsRefused() {
        for (JobState s : JobState.values()) {
            assertThat(JobState.fromWire(s.wireName())).isEqualTo(s);
        }
        assertThatThrownBy(() -> JobState.fromWire("running")).hasMessageContaining("unknown job state 'running'");
    }
}
