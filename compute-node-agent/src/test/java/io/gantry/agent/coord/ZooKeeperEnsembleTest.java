package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gantry.agent.sim.SimulatedZoneBackend;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.ZooKeeperEnsemble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a 3-member ZooKeeper ensemble (the production configuration: a connect string
 * naming all members), losing one member while it works. Zones are SIMULATED (in memory): this is
 * about coordination, not isolation.
 */
class ZooKeeperEnsembleTest {
    private static final String IMAGE = "f".repeat(64);

    @TempDir
    Path tmp;

    private static CuratorFramework client(String connect) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs(6000)
                .connectionTimeoutMs(3000).retryPolicy(new ExponentialBackoffRetry(100, 10)).build();
        c.start();
        assertThat(c.blockUntilConnected(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return c;
    }

    private static NodeTask create() {
        UUID machine = UUID.randomUUID();
        return new NodeTask(UUID.randomUUID(), TaskKind.PROVISION, machine,
                new ZoneSpec(machine, null, "acme", IMAGE, Package.custom(64, 50, 32, 64)), null, null, Instant.now());
    }

    private static TaskResult runTask(CuratorFramework provisioner, NodeTask task) throws Exception {
        provisioner.create().creatingParentsIfNeeded()
                .forPath(ZkPaths.task("cn1", task.id().toString()), Json.write(task).getBytes(StandardCharsets.UTF_8));
        String result = ZkPaths.result("cn1", task.id().toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> provisioner.checkExists().forPath(result) != null);
        return Json.read(new String(provisioner.getData().forPath(result), StandardCharsets.UTF_8), TaskResult.class);
    }

    @Test
    void agentOnAThreeMemberEnsembleKeepsWorkingWhenOneMemberStops() throws Exception {
        try (ZooKeeperEnsemble ensemble = ZooKeeperEnsemble.start(tmp);
             CuratorFramework agentClient = client(ensemble.connectString());
             CuratorFramework provisioner = client(ensemble.connectString())) {
            var backend = new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC());
            var advert = new NodeAdvert("cn1", "127.0.0.1", "simulated", new NodeCapacity(4096, 10_000, 4), Map.of(), Instant.now());
            try (NodeCoordinator agent = NodeCoordinator.start(agentClient, backend, advert, tmp.resolve("state"), Duration.ofSeconds(1))) {
                assertThat(runTask(provisioner, create()).state()).isEqualTo(ZoneState.RUNNING);

                ensemble.stopMember(0);
                NodeTask second = create();
                TaskResult after = runTask(provisioner, second);
                assertThat(after.ok()).isTrue();
                assertThat(after.state()).isEqualTo(ZoneState.RUNNING);
                assertThat(backend.list()).hasSize(2);
                await().atMost(Duration.ofSeconds(20)).until(() -> provisioner.checkExists().forPath(ZkPaths.alive("cn1")) != null);
            }
        }
    }
}
