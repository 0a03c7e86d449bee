package io.gantry.cloudapi.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a member's answer to srvr, the members of a connect string, and a member that does not answer. */
class ZooKeeperProbeTest {
    @Test
    void aServingMembersAnswerGivesItsModeVersionAndZxid() {
        var m = ZooKeeperProbe.parse("h:1", """
                Zookeeper version: 3.9.5-abc, built on 2025-01-01 00:00 UTC
                Latency min/avg/max: 0/0.1/3
                Zxid: 0x20000000a
                Mode: follower
                Node count: 12
                """);
        assertThat(m).isEqualTo(new HealthReport.ZkMember("h:1", true, "follower", "3.9.5-abc", "0x20000000a", null, null));
    }

    @Test
    void aMemberThatDoesNotServeOrRefusesSrvrSaysWhy() {
        assertThat(ZooKeeperProbe.parse("h:1", "This ZooKeeper instance is not currently serving requests\n"))
                .satisfies(m -> assertThat(m.serving()).isFalse())
                .extracting(HealthReport.ZkMember::error).isEqualTo("This ZooKeeper instance is not currently serving requests");
        assertThat(ZooKeeperProbe.parse("h:1", "srvr is not executed because it is not in the whitelist.\n").error())
                .contains("not in the whitelist");
        assertThat(ZooKeeperProbe.parse("h:1", "").error()).isEqualTo("no answer to srvr");
    }

    @Test
    void lagIsHowFarAMembersZxidIsBehindTheNewest() {
        var leader = ZooKeeperProbe.parse("a:1", "Zxid: 0x100000010\nMode: leader\n");
        var behind = ZooKeeperProbe.parse("b:1", "Zxid: 0x10000000c\nMode: follower\n");
        var lost = HealthReport.ZkMember.unreachable("c:1", "Connection refused");
        assertThat(ZooKeeperProbe.withLag(List.of(leader, behind, lost))).extracting(HealthReport.ZkMember::lag)
                .containsExactly(0L, 4L, null);
    }

    @Test
    void theConnectStringsMembersWithoutItsChroot() {
        assertThat(ZooKeeperProbe.members("a:1, b:2,c/gantry")).containsExactly("a:1", "b:2", "c:2181");
    }

    @Test
    void aPortThatAcceptsButNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            var m = new ZooKeeperProbe(Duration.ofMillis(300)).probe("127.0.0.1:" + silent.getLocalPort()).get(0);
            assertThat(m.reachable()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }
}
