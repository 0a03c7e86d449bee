package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.CpuHog;
import io.gantry.testkit.ProcessSignals;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's liveness goals on one host with every role its own process ({@link SimulatedCluster}: the compute nodes
 * run the SIMULATED zone backend, so this proves coordination, not isolation): a node killed (kill -9) or paused
 * (SIGSTOP) is shown lost within 2 s; a node under full CPU load paused for 1 s is never shown lost; the leading
 * provisioner killed during creates is followed by a new leader that acts (the goal is 2 s; the time is printed, not
 * asserted, and the new leader must have seen the death on the dead one's life line), and every create ends running
 * exactly once. The detection limit asserted is 3 s,
 * for a loaded 2-core CI machine; bench/README.md has the p50/p99 figures.
 */
class NodeLossDetectionTest {
    private static final Duration GOAL = Duration.ofSeconds(2);
    private static final Duration ASSERTED = Duration.ofSeconds(3);
    // a job the provisioner moved on (the API's insert is state queued), in a transaction begun after the given time
    private static final String ADVANCED_COUNT = "select count(*) from jobs where state <> 'queued' and updated > ?";
    private static final String ADVANCED_FIRST = "select min(updated) from jobs where state <> 'queued' and updated > ?";

    @Test
    void lostNodesShowWithinTwoSecondsBusyOnesNeverAndANewLeaderActsWithinTwoSeconds() throws Exception {
        try (SimulatedCluster c = SimulatedCluster.start(2, 3)) {
            Map<String, UUID> machineOn = oneMachinePerNode(c);

            busyNodePausedForOneSecondIsNotLost(c, "cn3", machineOn.get("cn3"));

            Instant stopped = Instant.now();
            ProcessSignals.stop(c.agents.get("cn2").pid());
            Duration paused = lostAfter(c, "cn2", machineOn.get("cn2"), stopped);
            ProcessSignals.resume(c.agents.get("cn2").pid());
            Poll.until(Duration.ofSeconds(20), () -> assertThat(c.tenant.get("/my/machines/" + machineOn.get("cn2")).state())
                    .as("a paused node that continues is alive again, its machine running").isEqualTo("running"));

            Instant killed = Instant.now();
            ChildRoles.kill9(c.agents.get("cn1"));
            Duration dead = lostAfter(c, "cn1", machineOn.get("cn1"), killed);

            System.out.printf("node lost after SIGSTOP: %d ms, after kill -9: %d ms (goal %d ms)%n", paused.toMillis(), dead.toMillis(),
                    GOAL.toMillis());
            assertThat(paused).as("SIGSTOP seen").isLessThanOrEqualTo(ASSERTED);
            assertThat(dead).as("kill -9 seen").isLessThanOrEqualTo(ASSERTED);

            leaderKilledDuringCreates(c); // on the two nodes left
        }
    }

    /** A machine on each of the three nodes (placement looks at a random sample of nodes, so it may take a few creates). */
    private static Map<String, UUID> oneMachinePerNode(SimulatedCluster c) {
        Map<String, UUID> on = new HashMap<>();
        for (int i = 0; i < 12 && on.size() < 3; i++) {
            UUID id = c.create("m" + i);
            Poll.until(Duration.ofSeconds(60), () -> assertThat(c.tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
            on.putIfAbsent(c.tenant.get("/my/machines/" + id).json().get("compute_node").toString(), id);
        }
        assertThat(on).containsOnlyKeys("cn1", "cn2", "cn3");
        return on;
    }

    /**
     * The time from {@code from} until the record marked the node's machine unknown (the provisioner's own transaction
     * time), once the API shows the machine unknown and the node lost.
     */
    private static Duration lostAfter(SimulatedCluster c, String node, UUID machine, Instant from) {
        Poll.until(Duration.ofSeconds(20), () -> {
            assertThat(c.tenant.get("/my/machines/" + machine).state()).isEqualTo("unknown");
            assertThat(c.pg.query("select alive from compute_nodes where name = ?", node)).containsExactly(List.of(false));
        });
        Timestamp marked = (Timestamp) c.pg.query("select updated from machines where id = ?", machine).get(0).get(0);
        return Duration.between(from, marked.toInstant());
    }

    private static void leaderKilledDuringCreates(SimulatedCluster c) throws Exception {
        String leader = c.leader();
        List<UUID> made = new ArrayList<>();
        Instant killed = null;
        for (int i = 0; i < 20; i++) {
            made.add(c.create("burst" + i));
            if (i == 9) {
                ChildRoles.kill9(c.provisioners.get(leader));
                // after it is reaped, so any step with a later transaction time is the new leader's
                killed = Instant.now();
            }
        }
        Instant from = killed;
        Poll.until(Duration.ofSeconds(30), () -> assertThat(c.pg.scalar(ADVANCED_COUNT, Timestamp.from(from)))
                .as("a job advanced after the leader died").isPositive());
        Timestamp acted = (Timestamp) c.pg.query(ADVANCED_FIRST, Timestamp.from(from)).get(0).get(0);
        Duration failover = Duration.between(from, acted.toInstant());
        String next = c.leader();
        System.out.printf("leader %s killed; %s leads and advanced its first job %d ms later (goal %d ms)%n", leader, next,
                failover.toMillis(), GOAL.toMillis());
        for (UUID id : made) {
            Poll.until(Duration.ofSeconds(60), () -> assertThat(c.tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
            assertThat(c.creates(id)).as("creates of " + id).isEqualTo(1);
        }
        // the time is not asserted (LivenessBench measures it: bench/README.md); that the dead leader was seen through its
        // life line, not when its session ended, is
        assertThat(c.logText(next)).as("the new leader saw the dead one's life line end")
                .contains("provisioner " + leader + "'s process is gone");
    }

    /**
     * 2 busy loops per core, and the node stopped for 1 s three times: every state of the node and its machine is
     * recorded (through the API and the record, every 20 ms), and the leader's log must not say it judged it lost.
     */
    private static void busyNodePausedForOneSecondIsNotLost(SimulatedCluster c, String node, UUID machine) throws Exception {
        List<String> seen = new ArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread recorder = new Thread(() -> {
            String last = null;
            while (watching.get()) {
                String state = c.tenant.get("/my/machines/" + machine).state() + "/"
                        + c.pg.query("select alive from compute_nodes where name = ?", node).get(0).get(0);
                if (!state.equals(last)) {
                    seen.add(state);
                    last = state;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        String leader = c.leader();
        try (CpuHog hog = CpuHog.start(2)) {
            recorder.start();
            for (int i = 0; i < 3; i++) {
                ProcessSignals.pause(c.agents.get(node).pid(), Duration.ofSeconds(1));
                Thread.sleep(2000);
            }
        } finally {
            watching.set(false);
            recorder.join();
        }
        System.out.println("busy node paused 1 s ×3, states seen: " + seen);
        assertThat(seen).as("machine state / node alive, every change").containsExactly("running/true");
        assertThat(c.logText(leader)).doesNotContain("node " + node + ": no beat", "node " + node + " lost");
    }
}
