package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.ExecResult;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.agent.net.TestNics;
import io.gantry.common.net.Nic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the tests that run real zones with runc. Each class gets its own node (state dir, node
 * network namespace, cgroup parent, runc root) and removes all of it afterwards, also when a test
 * fails. Skipped, with the reason, where the host is not root or lacks runc and friends.
 */
@Tag("zones")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealZonesTest {
    protected AgentConfig config;
    protected RuncZoneBackend backend;
    protected String imageId;
    private Path stateDir;

    @BeforeAll
    void openNode() throws IOException {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        stateDir = Files.createTempDirectory("gantry-test-");
        String node = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        config = configOf(stateDir, node);
        backend = RuncZoneBackend.open(config);
        Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, stateDir.resolve("busybox.tar"));
        imageId = backend.images().importTarball(tarball, BusyboxImage.NAME).id();
    }

    /** The node's configuration; a class may run runc through a wrapper of its own, say. */
    protected AgentConfig configOf(Path stateDir, String node) throws IOException {
        return AgentConfig.of(stateDir, node);
    }

    @AfterAll
    void destroyNode() {
        if (backend != null) {
            backend.destroyNode();
        }
        if (stateDir != null) {
            Cmd.check("rm", "-rf", "--one-file-system", stateDir.toString());
        }
    }

    /** Each tenant's fabric network in this class (no NAT, so the host's own network is never touched). */
    private final Map<String, TestNics.Fabric> fabrics = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hosts = new ConcurrentHashMap<>();
    private final Map<UUID, List<Nic>> nicsOf = new ConcurrentHashMap<>();

    protected TestNics.Fabric fabricOf(String tenant) {
        return fabrics.computeIfAbsent(tenant, t -> TestNics.fabric(false));
    }

    /** A spec with one NIC on the tenant's fabric network, the next free address, as the control plane would give. */
    protected ZoneSpec spec(String tenant, String alias, Package pkg) {
        Nic nic = fabricOf(tenant).nic(hosts.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet());
        ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), alias, tenant, imageId, pkg, List.of(nic), false);
        nicsOf.put(spec.uuid(), spec.nics());
        return spec;
    }

    protected Zone create(String tenant, String alias, Package pkg) {
        Zone zone = backend.create(spec(tenant, alias, pkg));
        assertThat(zone.state()).as("zone %s: %s", alias, zone.reason()).isEqualTo(ZoneState.RUNNING);
        return zone;
    }

    protected Zone create(String tenant, String alias) {
        return create(tenant, alias, Package.custom(64, 100, 64, 64));
    }

    protected ExecResult sh(Zone zone, String script) {
        return sh(zone, script, Duration.ofSeconds(30));
    }

    protected ExecResult sh(Zone zone, String script, Duration timeout) {
        return backend.exec(zone.uuid(), List.of("sh", "-c", script), timeout);
    }

    /** Kills the zone's init (SIGKILL, as a crash would end it) and waits until it is gone. */
    protected void killInit(Zone zone) throws InterruptedException {
        long pid = backend.initPid(zone.uuid()).orElseThrow();
        Cmd.check("kill", "-KILL", Long.toString(pid));
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            Thread.sleep(20);
        }
    }

    /** What of the zone is still on the host: empty once it is fully gone. */
    protected List<String> traces(UUID uuid) {
        return ZoneTraces.of(backend, uuid, nicsOf.getOrDefault(uuid, List.of()));
    }
}
