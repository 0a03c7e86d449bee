package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.record.RoleHeartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry ops health} against a real cloud API on embedded PostgreSQL with the test's real ZooKeeper configured:
 * the summary, the JSON, and the exit code following the report's status as the roles' heartbeats come and go.
 */
class HealthCommandTest extends WithOperatorCli {
    private final List<RoleHeartbeat> beats = new ArrayList<>();

    @AfterEach
    void stopHeartbeats() {
        beats.forEach(RoleHeartbeat::close);
        beats.clear();
    }

    private RoleHeartbeat beat(String role, String instance, boolean leader) {
        RoleHeartbeat b = RoleHeartbeat.start(plane.db.jdbcUrl(), plane.db.user(), plane.db.password(), role, instance, "host-" + instance,
                () -> leader, Duration.ofMillis(200));
        beats.add(b);
        return b;
    }

    @Test
    void theExitCodeFollowsTheStatus() {
        RoleHeartbeat provisioner = beat("provisioner", "prov-1", true);
        RoleHeartbeat meteringLeader = beat("metering", "meter-1", true);
        beat("cloudapi", "api-1", false);
        Poll.until(Duration.ofSeconds(10), () -> assertThat(gantry("ops", "health").exit()).isZero());

        GantryRun ok = gantry("ops", "health");
        assertThat(ok.out()).startsWith("status: ok\n")
                .containsPattern("(?m)^ROLE +INSTANCE +ADDRESS +VERSION +LEADER +STATE +LAST SEEN$")
                .containsPattern("(?m)^provisioner +prov-1 +host-prov-1 +\\S+ +leader +up +\\d+ s ago$")
                .containsPattern("(?m)^postgresql: reachable, version \\d+.*, primary, no standbys$")
                .containsPattern("(?m)^zookeeper: 127\\.0\\.0\\.1:\\d+$")
                .containsPattern("(?m)^  127\\.0\\.0\\.1:\\d+: standalone, version 3\\.9\\.\\S+, zxid 0x[0-9a-f]+, lag 0$")
                .contains("nodes: no compute node has been seen yet");
        assertThat(gantry("ops", "health", "--json").out()).contains("\"status\" : \"ok\"").contains("\"mode\" : \"standalone\"");

        meteringLeader.close(); // a clean stop removes its row
        beat("metering", "meter-2", false);
        Poll.until(Duration.ofSeconds(10), () -> assertThat(gantry("ops", "health").out()).contains("meter-2"));
        GantryRun degraded = gantry("ops", "health");
        assertThat(degraded.exit()).as(degraded.toString()).isEqualTo(5);
        assertThat(degraded.out()).startsWith("status: degraded\n").contains("  problem: no metering instance leads");

        provisioner.close();
        GantryRun down = gantry("ops", "health");
        assertThat(down.exit()).as(down.toString()).isEqualTo(6);
        assertThat(down.out()).startsWith("status: down\n").contains("  problem: no provisioner is running")
                .containsPattern("(?m)^provisioner +- +- +- +- +none +-$");
    }

    @Test
    void anUnreachableCloudApiIsOneLineExitOne() {
        assertRefused(gantry("ops", "health", "--cloudapi-url", "http://127.0.0.1:1"), 1, "the cloud API at http://127.0.0.1:1 cannot be reached");
    }
}
