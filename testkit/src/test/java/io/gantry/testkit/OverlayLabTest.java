package io.gantry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OverlayLabTest {
    private static OverlayLab lab;

    @BeforeAll
    static void startLab() {
        OverlayLab.whyUnavailable().ifPresent(why -> assumeTrue(false, why));
        lab = OverlayLab.start(3);
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void everyUnderlayReachesEveryOtherAndTheOutside() {
        for (int i = 0; i < lab.nodes(); i++) {
            for (int j = 0; j < lab.nodes(); j++) {
                if (i != j) {
                    assertThat(lab.ping(lab.underlayNetns(i), lab.underlayIp(j))).as("node %d pings node %d", i, j).isTrue();
                }
            }
            assertThat(lab.ping(lab.underlayNetns(i), lab.outsideIp())).as("node %d pings the outside", i).isTrue();
            assertThat(lab.ping(lab.outsideNetns(), lab.underlayIp(i))).as("the outside pings node %d", i).isTrue();
        }
    }

    @Test
    void anAddressNobodyHoldsDoesNotAnswer() {
        assertThat(lab.ping(lab.underlayNetns(0), "192.168.77.99")).isFalse();
    }

    @Test
    void nodesForwardAndTheirUnderlayHasTheLabsAddressAndMtu() {
        for (int i = 0; i < lab.nodes(); i++) {
            String ns = lab.underlayNetns(i);
            assertThat(lab.exec(ns, "cat", "/proc/sys/net/ipv4/ip_forward").stdout().strip()).isEqualTo("1");
            String link = lab.exec(ns, "ip", "-o", "addr", "show", "dev", OverlayLab.UNDERLAY_DEVICE).stdout();
            assertThat(link).contains("inet " + lab.underlayIp(i) + "/24");
            assertThat(lab.exec(ns, "ip", "-o", "link", "show", OverlayLab.UNDERLAY_DEVICE).stdout()).contains("mtu 1500");
        }
        assertThatThrownBy(() -> lab.newNamespace("Bad Name")).hasMessageContaining("namespace role");
        assertThat(lab.underlayIp(2)).isEqualTo("192.168.77.3");
        assertThat(lab.outsideIp()).isEqualTo("192.168.77.200");
        assertThat(lab.underlaySubnet()).isEqualTo("192.168.77.0/24");
    }

    @Test
    void aServerIsAwaitedUntilItListensButNotOnceItHasExited() {
        try (NetnsServer server = NetnsServer.start(lab.outsideNetns(), "false", "/bin/busybox", "false")) {
            long started = System.nanoTime();
            assertThat(server.awaitListening(9, Duration.ofSeconds(5))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
            assertThat(server.isAlive()).isFalse();
            assertThat(server.exitValue()).isEqualTo(1);
        }
        try (NetnsServer server = NetnsServer.start(lab.outsideNetns(), "nc", "/bin/busybox", "nc", "-l", "-p", "8091")) {
            assertThat(server.awaitListening(8091, Duration.ofSeconds(5))).isTrue();
            assertThat(server.isAlive()).isTrue();
        }
    }

    @Test
    void tcpReachesOnlyAPortWithAListener() {
        int port = 8080; // the outside namespace is the lab's own: no port is taken there
        try (TcpBannerListener listener = lab.listen(lab.outsideNetns(), port)) {
            assertThat(lab.tcpReachable(lab.underlayNetns(1), lab.outsideIp(), port)).isTrue();
            assertThat(lab.tcpReachable(lab.underlayNetns(2), lab.outsideIp(), port)).as("the listener serves again").isTrue();
            assertThat(lab.tcpReachable(lab.underlayNetns(1), lab.outsideIp(), port + 1)).isFalse();
        }
        assertThat(lab.tcpReachable(lab.underlayNetns(1), lab.outsideIp(), port)).as("after the listener stopped").isFalse();
    }

    @Test
    void aFailingCommandSaysWhatFailed() {
        assertThatThrownBy(() -> lab.exec(lab.outsideNetns(), "ip", "link", "show", "no-such-dev"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ip link show no-such-dev")
                .hasMessageContaining("exited");
    }

    @Test
    void closeDeletesEveryNamespaceEvenWithAProcessInsideAndMayBeCalledTwice() {
        OverlayLab other = OverlayLab.builder().nodes(1).addressPrefix("10.77.9").underlayMtu(1600).start();
        List<String> namespaces;
        try {
            namespaces = other.namespaces();
            assertThat(namespaces).hasSize(3).allMatch(ns -> Files.exists(Path.of("/run/netns", ns)));
            assertThat(other.ping(other.underlayNetns(0), "10.77.9.200")).isTrue();
            assertThat(other.exec(other.underlayNetns(0), "ip", "-o", "link", "show", OverlayLab.UNDERLAY_DEVICE).stdout()).contains("mtu 1600");
            other.listen(other.outsideNetns(), 7000);
            String extra = other.newNamespace("zone1");
            assertThat(other.namespaces()).contains(extra);
            namespaces = other.namespaces();
        } finally {
            other.close();
        }
        assertThat(namespaces).noneMatch(ns -> Files.exists(Path.of("/run/netns", ns)));
        other.close();
    }

    @Test
    void aNewLabRemovesTheLabOfAJvmThatIsGone() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String leftover = OverlayLab.NAME_PREFIX + gone.pid() + "-zzzzzz-sw";
        NetnsShell.host(Duration.ofSeconds(10), "ip", "netns", "add", leftover).orThrow();
        try {
            OverlayLab.sweepLabsOfGoneProcesses();
            assertThat(Path.of("/run/netns", leftover)).doesNotExist();
        } finally {
            NetnsShell.host(Duration.ofSeconds(10), "ip", "netns", "delete", leftover);
        }
    }

    @Test
    void theBuilderRefusesWhatCannotBeALab() {
        assertThatThrownBy(() -> OverlayLab.builder().nodes(0)).hasMessageContaining("1 to 199 nodes");
        assertThatThrownBy(() -> OverlayLab.builder().addressPrefix("192.168.300")).hasMessageContaining("three octets");
        assertThatThrownBy(() -> OverlayLab.builder().underlayMtu(100)).hasMessageContaining("MTU");
        assertThatThrownBy(() -> lab.underlayNetns(3)).hasMessageContaining("not in this lab of 3 nodes");
    }
}
