package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.coord.NodeReport.ReportedZone;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.placement.NodeInfo;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link NodeRecorder}: what the leader writes of its nodes into the record, how often, and the operators' closures it applies. */
class NodeRecorderTest extends RigTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private NodeRecorder recorder;

    @BeforeEach
    void parts() {
        recorder = new NodeRecorder(rig.leader, clock);
    }

    @Test
    void aNodeIsWrittenWhenItComesAndGoesAndItsReportsAtMostEveryFewSeconds() throws Exception {
        rig.advertise("cn1", 4096);
        recorder.record();
        NodeSighting first = rig.records.nodes.get("cn1");
        assertThat(first.alive()).isTrue();
        assertThat(first.advert().capacity().memoryMiB()).isEqualTo(4096);
        assertThat(first.advert().version()).isEqualTo(io.gantry.common.GantryVersion.current()).isNotBlank();
        assertThat(first.reportedZones()).isNull();

        rig.report("cn1", Map.of(UUID.randomUUID(), new ReportedZone(ZoneState.RUNNING, "10.1.0.4")));
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.watcher.sightings().stream()
                .anyMatch(s -> Integer.valueOf(1).equals(s.reportedZones())));
        recorder.record();
        assertThat(rig.records.nodes.get("cn1")).as("a report within %s of the last write waits", NodeRecorder.EVERY).isEqualTo(first);

        clock.advance(NodeRecorder.EVERY);
        recorder.record();
        NodeSighting later = rig.records.nodes.get("cn1");
        assertThat(later.reportedZones()).isEqualTo(1);
        assertThat(later.lastSeen()).isAfterOrEqualTo(first.lastSeen());

        rig.loseNode("cn1");
        recorder.record();
        assertThat(rig.records.nodes.get("cn1").alive()).as("a loss is written at once").isFalse();
        assertThat(rig.records.nodes.get("cn1").advert()).as("what it last advertised is kept").isNotNull();
    }

    @Test
    void aSightingTheRecordCouldNotTakeIsWrittenNextTime() throws Exception {
        rig.advertise("cn1", 4096);
        rig.records.down(true);
        assertThatThrownBy(recorder::record).isInstanceOf(SQLException.class);
        rig.records.down(false);
        recorder.record();
        assertThat(rig.records.nodes).containsKey("cn1");
    }

    @Test
    void theOperatorsClosuresReachPlacementAndLiftingThemReopens() throws Exception {
        rig.advertise("cn1", 4096);
        rig.advertise("cn2", 4096);
        rig.records.closed.put("cn1", "in maintenance");
        recorder.applyClosures();
        assertThat(rig.cluster.node("cn1").map(NodeInfo::closed)).contains("in maintenance");
        assertThat(rig.cluster.node("cn2").map(NodeInfo::closed)).isEmpty();

        // its agent restarts with a new advert: still closed
        rig.zk.setData().forPath(ZkPaths.alive("cn1"), StepRig.bytes(new NodeAdvert("cn1", "127.0.0.1", "simulated",
                new NodeCapacity(8192, 100_000, 4), Map.of(), Instant.now())));
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.cluster.node("cn1").orElseThrow().capacity().memoryMiB() == 8192);
        assertThat(rig.cluster.node("cn1").map(NodeInfo::closed)).contains("in maintenance");

        rig.records.closed.clear();
        recorder.applyClosures();
        assertThat(rig.cluster.node("cn1").map(NodeInfo::closed)).isEmpty();
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
