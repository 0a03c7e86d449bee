package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.ExecResult;
import io.gantry.agent.ZoneCounters;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.net.NodeNetwork;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each isolation property of a real zone, one test each. */
class ZoneIsolationTest extends RealZonesTest {

    @Test
    void zoneSeesOnlyItsOwnProcessesAndHostname() {
        Zone zone = create("acme", "lonely");
        ExecResult pids = sh(zone, "ls /proc | grep -c '^[0-9]'");
        assertThat(Integer.parseInt(pids.stdout().strip())).as("processes visible in the zone").isBetween(2, 8);
        assertThat(sh(zone, "cat /proc/1/cmdline | tr '\\0' ' '").stdout()).startsWith(OciSpec.INIT_PATH);
        assertThat(sh(zone, "hostname").stdout().strip()).isEqualTo("lonely");
        assertThat(ProcessHandle.allProcesses().count()).as("the host sees far more").isGreaterThan(20);
        backend.delete(zone.uuid());
    }

    @Test
    void zoneCannotSeeTheHostsFiles() throws Exception {
        Path marker = Files.createTempFile(Path.of("/root"), "gantry-host-secret", ".txt");
        try {
            Zone zone = create("acme", "peeker");
            assertThat(sh(zone, "ls " + marker).ok()).as("host file visible in zone").isFalse();
            assertThat(sh(zone, "test -e /etc/debian_version").ok()).as("host's /etc in zone").isFalse();
            assertThat(sh(zone, "cat /etc/os-release").stdout()).contains("Gantry busybox");
            assertThat(sh(zone, "touch /written-in-zone").ok()).isTrue();
            assertThat(Path.of("/written-in-zone")).doesNotExist();
            assertThat(backend.images().rootfs(imageId).resolve("written-in-zone")).as("the shared image stays clean").doesNotExist();
            backend.delete(zone.uuid());
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    @Test
    void allocationPastMemoryCapIsOomKilledAndZoneLivesOn() {
        Zone zone = create("acme", "hungry", Package.custom(64, 100, 64, 64));
        ExecResult hog = sh(zone, "dd if=/dev/zero of=/dev/null bs=100M count=1");
        assertThat(hog.exitCode()).as("dd of 100 MiB in a 64 MiB zone; stderr: %s", hog.stderr()).isEqualTo(137);
        ZoneCounters c = backend.counters(zone.uuid());
        assertThat(c.oomKills()).as("the kill is counted").isEqualTo(1);
        assertThat(c.memoryLimitBytes()).isEqualTo(64L << 20);
        assertThat(backend.initPid(zone.uuid())).as("the zone's init survives").isPresent();
        assertThat(sh(zone, "dd if=/dev/zero of=/dev/null bs=40M count=1").ok()).as("a 40 MiB allocation fits").isTrue();
        backend.delete(zone.uuid());
    }

    @Test
    void forkBombIsBoundedByLwpsAndHostIsUnaffected() throws Exception {
        Zone zone = create("acme", "bomber", Package.custom(128, 20, 32, 64));
        // A fork bomb that holds what it gets: 500 forks of long sleeps, then wait (a shell builtin, as
        // no fork is left). Stopping the zone ends it.
        CompletableFuture<ExecResult> bomb = CompletableFuture.supplyAsync(() -> sh(zone,
                "i=0; while [ $i -lt 500 ]; do sleep 60 & i=$((i+1)); done; wait", Duration.ofSeconds(60)));
        Thread.sleep(2500);
        ZoneCounters c = backend.counters(zone.uuid());
        assertThat(c.lwpsLimit()).isEqualTo(32);
        assertThat(c.lwps()).as("tasks in the zone").isBetween(28L, 32L);
        assertThat(c.forksRefused()).as("forks refused by the pids controller").isPositive();
        Process hostFork = new ProcessBuilder("sh", "-c", "for i in 1 2 3 4 5 6 7 8; do true & done; wait; echo host-ok")
                .redirectErrorStream(true).start();
        assertThat(hostFork.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(hostFork.getInputStream().readAllBytes())).contains("host-ok");
        Zone stopped = backend.stop(zone.uuid(), Duration.ofSeconds(1));
        assertThat(bomb.get(30, TimeUnit.SECONDS).ok()).as("the bomb was killed").isFalse();
        assertThat(stopped.state()).isEqualTo(ZoneState.STOPPED);
        assertThat(backend.counters(zone.uuid()).lwps()).as("the bomb is gone with the zone").isLessThanOrEqualTo(0);
        backend.delete(zone.uuid());
    }

    @Test
    void cpuCapHoldsMeasuredShareWithinFifteenPercent() throws Exception {
        Zone zone = create("acme", "burner", Package.custom(64, 50, 64, 64));
        CompletableFuture<ExecResult> burn = CompletableFuture.supplyAsync(() -> sh(zone,
                "spin() { while :; do :; done; }; spin & a=$!; spin & b=$!; sleep 5; kill $a $b", Duration.ofSeconds(20)));
        Thread.sleep(1000);
        long cpu0 = backend.counters(zone.uuid()).cpuNanos();
        long t0 = System.nanoTime();
        HostIdle host = HostIdle.start();
        Thread.sleep(3000);
        long cpu1 = backend.counters(zone.uuid()).cpuNanos();
        long t1 = System.nanoTime();
        burn.get(30, TimeUnit.SECONDS);
        double cpus = (double) (cpu1 - cpu0) / (t1 - t0);
        host.assertShare(cpus, 0.5, "CPUs used by two spinning loops under a 50% cap");
        backend.delete(zone.uuid());
    }

    @Test
    void writingPastDiskQuotaFailsWithEnospc() {
        Zone zone = create("acme", "filler", Package.custom(64, 100, 64, 64));
        ExecResult fill = sh(zone, "dd if=/dev/zero of=/fill bs=1M count=100");
        assertThat(fill.ok()).isFalse();
        assertThat(fill.stderr()).contains("No space left on device");
        ZoneCounters c = backend.counters(zone.uuid());
        assertThat(c.diskTotalBytes()).isLessThanOrEqualTo(64L << 20);
        assertThat(c.diskUsedBytes()).isGreaterThan(50L << 20);
        backend.delete(zone.uuid());
    }

    @Test
    void tenantNetworksAreIsolatedEvenOnTheSameSubnetAndSpoofingIsDropped() {
        Zone a1 = create("alpha", "a1");
        Zone a2 = create("alpha", "a2");
        Zone b1 = create("beta", "b1");
        Zone b2 = create("beta", "b2");
        assertThat(a1.ip()).isEqualTo(b1.ip()).as("both tenants' first zones have the same address on 192.168.128.0/22");

        assertThat(ping(a1, a2.ip(), null)).as("same tenant a1 -> a2").isTrue();
        assertThat(ping(a2, a1.ip(), null)).as("same tenant a2 -> a1").isTrue();
        assertThat(ping(b2, b1.ip(), null)).as("beta's b2 reaches its own b1, not alpha's a1 of the same address").isTrue();
        assertThat(sh(b2, "ip neigh show " + b1.ip()).stdout()).as("b2 resolved beta's own zone")
                .contains(b1.spec().nics().get(0).mac());

        // A source address that is not the zone's own is dropped at its port.
        String spoofed = "192.168.128.250";
        Cmd.check("ip", "-n", backend.layout(a1.uuid()).netns(), "addr", "add", spoofed + "/22", "dev", "eth0");
        assertThat(ping(a1, a2.ip(), spoofed)).as("spoofed source a1(.250) -> a2").isFalse();
        assertThat(ping(a1, a2.ip(), null)).as("its real address still works").isTrue();
        assertThat(backend.network().portRules(a1.spec().nics().get(0))).containsPattern("ip saddr != [0-9.]+ counter packets [1-9]");

        for (Zone z : new Zone[] {a1, a2, b1, b2}) {
            backend.delete(z.uuid());
        }
        assertThat(NodeNetwork.netnsExists(backend.network().fabricNetns(fabricOf("alpha").vni())))
                .as("the network's namespace goes with its last zone on the node").isFalse();
    }

    @Test
    void zoneCannotChangeItsOwnNetwork() {
        Zone zone = create("acme", "meddler");
        ExecResult down = sh(zone, "ip link set eth0 down");
        assertThat(down.ok()).isFalse();
        assertThat(down.stderr()).contains("Operation not permitted");
        ExecResult addr = sh(zone, "ip addr add 192.168.128.77/22 dev eth0");
        assertThat(addr.ok()).isFalse();
        assertThat(addr.stderr()).contains("Operation not permitted");
        assertThat(sh(zone, "ip addr show eth0").stdout()).contains(zone.ip() + "/22").doesNotContain("192.168.128.77");
        backend.delete(zone.uuid());
    }

    private boolean ping(Zone from, String to, String source) {
        String src = source == null ? "" : " -I " + source;
        return sh(from, "ping -c 2 -W 1" + src + " " + to).ok();
    }

}
