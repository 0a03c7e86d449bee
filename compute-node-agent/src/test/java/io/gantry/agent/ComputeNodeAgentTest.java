package io.gantry.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.util.UUID;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.common.Json;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.TestZooKeeper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's entry point on a real runc node and a real (embedded) ZooKeeper. Needs root and runc. */
@Tag("zones")
class ComputeNodeAgentTest {
    @TempDir
    Path tmp;

    @Test
    void advertisesTheNodeAsConfiguredMetersItAndWithdrawsBothWhenClosed() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        String node = "k" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path stateDir = Files.createTempDirectory("gantry-agent-entry-");
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(stateDir, node));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TestZooKeeper zk = TestZooKeeper.start(tmp.resolve("zk"));
             CuratorFramework client = zk.newClient()) {
            var config = new ComputeNodeAgent.Config(node, "10.1.2.3", Map.of("ssd", "true"), UsageConfig.defaults(stateDir),
                    List.of(URI.create("http://127.0.0.1:9")), Duration.ofMillis(200));
            try (ComputeNodeAgent agent = ComputeNodeAgent.start(client, backend, config, registry)) {
                assertThat(agent.coordinator().membership().awaitAdvertised(Duration.ofSeconds(10))).isTrue();
                NodeAdvert advert = Json.read(new String(client.getData().forPath(ZkPaths.alive(node)), StandardCharsets.UTF_8),
                        NodeAdvert.class);
                assertThat(advert.address()).isEqualTo("10.1.2.3");
                assertThat(advert.backend()).isEqualTo("runc");
                assertThat(advert.traits()).containsExactlyEntriesOf(Map.of("ssd", "true"));
                assertThat(advert.capacity().cpus()).as("this host's CPUs").isEqualTo(Runtime.getRuntime().availableProcessors());
                assertThat(registry.find("gantry.usage.samples").tag("node", node).functionCounter()).as("usage metered").isNotNull();
            }
            assertThat(client.checkExists().forPath(ZkPaths.alive(node))).as("the advert, withdrawn").isNull();
            assertThat(registry.find("gantry.usage.samples").meters()).as("usage meters, removed").isEmpty();
        } finally {
            backend.destroyNode();
            Cmd.check("rm", "-rf", "--one-file-system", stateDir.toString());
        }
    }

    @Test
    void servesTheMetadataOfZonesItFindsAndOfZonesItStarts() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        String node = "k" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path stateDir = Files.createTempDirectory("gantry-agent-mdata-");
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(stateDir, node));
        try (TestZooKeeper zk = TestZooKeeper.start(tmp.resolve("zk"));
             CuratorFramework client = zk.newClient()) {
            String image = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, stateDir.resolve("busybox.tar")),
                    BusyboxImage.NAME).id();
            Zone before = backend.create(new ZoneSpec(UUID.randomUUID(), "before", "t1", image, Package.custom(32, 100, 32, 32)));
            var config = new ComputeNodeAgent.Config(node, "127.0.0.1", Map.of(), UsageConfig.defaults(stateDir),
                    List.of(URI.create("http://127.0.0.1:9")), Duration.ofMillis(200));
            try (ComputeNodeAgent agent = ComputeNodeAgent.start(client, backend, config, registry())) {
                Zone after = backend.create(new ZoneSpec(UUID.randomUUID(), "after", "t1", image, Package.custom(32, 100, 32, 32)));
                for (Zone zone : List.of(before, after)) {
                    var got = backend.exec(zone.uuid(), List.of("mdata-get", "sdc:uuid"), Duration.ofSeconds(20));
                    assertThat(got.stdout().strip()).as(got.stderr()).isEqualTo(zone.uuid().toString());
                }
                backend.delete(after.uuid());
                assertThat(backend.layout(after.uuid()).metadataSocket()).as("a deleted zone's socket").doesNotExist();
            }
            assertThat(backend.layout(before.uuid()).metadataSocket()).as("a closed agent's sockets").doesNotExist();
        } finally {
            backend.destroyNode();
            Cmd.check("rm", "-rf", "--one-file-system", stateDir.toString());
        }
    }

    private static SimpleMeterRegistry registry() {
        return new SimpleMeterRegistry();
    }
}
