package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Json;
import io.gantry.common.coord.MetadataLimits;
import io.gantry.common.coord.MetadataPut;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A machine's metadata between the cloud API and its zone's znode, end to end in one JVM: the real cloud API on
 * PostgreSQL, a real provisioner leader publishing {@code /gantry/metadata/<machine>} in a real ZooKeeper, and a
 * simulated agent. Changes made through the API are in the znode within 1 s; puts from the zone (written here as the
 * agent writes them) come back through the API, in order, also across a leader change.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MachineMetadataTest extends WithControlPlane {
    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Test
    void whatTheApiChangesIsInTheZonesZnodeWithinOneSecond() throws Exception {
        plane.agent("cn1", 8192, stateDirs.resolve("cn1"));
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        CuratorFramework zk = plane.client();
        SignedClient tenant = plane.account("meta");
        String script = script(100 * 1024);
        Map<String, Object> body = new HashMap<>(plane.machine("web-1", plane.smallPackage));
        body.put("metadata.user-script", script); // what `triton instance create --script FILE` sends
        body.put("tag.role", "web");
        var created = tenant.post("/my/machines", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().get("id").toString());
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        ZoneMetadata first = view(zk, id);
        assertThat(first.customerMetadata()).containsEntry("user-script", script);
        assertThat(first.alias()).isEqualTo("web-1");
        assertThat(first.owner()).isEqualTo("meta");
        assertThat(first.tags()).containsEntry("role", "web");

        List<Long> generations = new ArrayList<>(List.of(first.generation()));
        List<Long> delays = new ArrayList<>();
        String base = "/my/machines/" + id;
        measure(zk, id, generations, delays, () -> tenant.post(base + "/metadata", Map.of("color", "red")), 200,
                v -> "red".equals(v.customerMetadata().get("color")) && v.customerMetadata().containsKey("user-script"));
        measure(zk, id, generations, delays, () -> tenant.put(base + "/metadata", "{\"user-script\":" + Json.write(script + "#2")
                + ",\"only\":\"this\"}"), 200, v -> v.customerMetadata().equals(Map.of("user-script", script + "#2", "only", "this")));
        measure(zk, id, generations, delays, () -> tenant.delete(base + "/metadata/only"), 204,
                v -> !v.customerMetadata().containsKey("only"));
        measure(zk, id, generations, delays, () -> tenant.post(base + "/tags", Map.of("tier", "front")), 200,
                v -> "front".equals(v.tags().get("tier")));
        measure(zk, id, generations, delays, () -> tenant.post(base + "?action=rename&name=web-2", Map.of()), 202,
                v -> v.alias().equals("web-2"));
        assertThat(generations).as("generations in ZooKeeper, change after change").isSorted().doesNotHaveDuplicates();
        System.out.printf("MachineMetadataTest: API reply -> metadata znode, ms per change: %s%n", delays);

        var badName = tenant.post(base + "?action=rename&name=-not-a-hostname", Map.of());
        assertThat(badName.status()).as(badName.body()).isEqualTo(409);
        assertThat(badName.json()).containsEntry("code", "InvalidArgument");
        assertThat(String.valueOf(badName.json().get("message"))).contains("hostname");
        var tooBig = tenant.post(base + "/metadata", Map.of("huge", "x".repeat(MetadataLimits.MAX_VALUE_BYTES + 1)));
        assertThat(tooBig.status()).as(tooBig.body()).isEqualTo(409);
        assertThat(tooBig.json()).containsEntry("code", "InvalidArgument");
        assertThat(view(zk, id).alias()).as("refused changes reach no zone").isEqualTo("web-2");

        var deleted = tenant.delete(base);
        assertThat(deleted.status()).as(deleted.body()).isIn(202, 204);
        Poll.until(SETTLE, () -> assertThat(zk.checkExists().forPath(ZkPaths.metadata(id))).as("znode of the deleted machine").isNull());
    }

    @Test
    void putsFromTheZoneComeBackThroughTheApiInOrderAcrossALeaderChange() throws Exception {
        plane.agent("cn1", 8192, stateDirs.resolve("cn1"));
        Provisioner p1 = leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        CuratorFramework zk = plane.client();
        SignedClient tenant = plane.account("puts");
        Map<String, Object> body = new HashMap<>(plane.machine("db-1", plane.smallPackage));
        body.put("metadata.keep", "me");
        var created = tenant.post("/my/machines", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.fromString(created.json().get("id").toString());
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        String metadata = "/my/machines/" + id + "/metadata";

        long start = System.nanoTime();
        put(zk, id, "color", "red");
        put(zk, id, "color", "blue");
        put(zk, id, "sdc:alias", "hijack");
        put(zk, id, "big", "x".repeat(MetadataLimits.MAX_VALUE_BYTES + 1));
        put(zk, id, "keep", null);
        Poll.until(Duration.ofSeconds(5), () -> assertThat(pending(zk, id)).isZero());
        System.out.printf("MachineMetadataTest: 5 puts from the zone applied or dropped in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(tenant.get(metadata).json()).isEqualTo(Map.of("color", "blue"));
        assertThat(tenant.get(metadata + "?credentials=true").json()).as("the credentials flag is accepted")
                .isEqualTo(Map.of("color", "blue"));
        Poll.until(Duration.ofSeconds(2), () -> assertThat(view(zk, id).customerMetadata()).isEqualTo(Map.of("color", "blue")));

        p1.close(); // no leader: the zone's puts wait in ZooKeeper
        for (int i = 1; i <= 10; i++) {
            put(zk, id, "step", Integer.toString(i));
        }
        assertThat(pending(zk, id)).isEqualTo(10);
        leading(plane.provisioner("p2", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        Poll.until(Duration.ofSeconds(5), () -> assertThat(pending(zk, id)).isZero());
        assertThat(tenant.get(metadata).json()).as("the last of ten puts to one key, applied by the new leader")
                .isEqualTo(Map.of("color", "blue", "step", "10"));
        Poll.until(Duration.ofSeconds(2), () -> assertThat(view(zk, id).customerMetadata()).containsEntry("step", "10"));
    }

    private interface Call {
        SignedClient.Reply run();
    }

    private static void measure(CuratorFramework zk, UUID id, List<Long> generations, List<Long> delays, Call call, int status,
                                Predicate<ZoneMetadata> shows) throws Exception {
        var reply = call.run();
        long answered = System.nanoTime();
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        long deadline = answered + WITHIN.toNanos();
        ZoneMetadata v = view(zk, id);
        while (v == null || !shows.test(v)) {
            assertThat(System.nanoTime()).as("the znode shows the change within %s; it has %s", WITHIN, v).isLessThan(deadline);
            Thread.sleep(5);
            v = view(zk, id);
        }
        delays.add((System.nanoTime() - answered) / 1_000_000);
        generations.add(v.generation());
    }

    private static String script(int bytes) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n");
        for (int line = 0; s.length() < bytes; line++) {
            s.append("echo \"line ").append(line).append(": it's a \\\"quoted\\\" tab\there\" >> /var/tmp/boot.log\n");
        }
        return s.substring(0, bytes);
    }

    private static void put(CuratorFramework zk, UUID machine, String key, String value) throws Exception {
        MetadataPut put = new MetadataPut(machine, key, value, "cn1", Instant.now());
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZkPaths.metadataPuts(machine) + "/put-", Json.write(put).getBytes(StandardCharsets.UTF_8));
    }

    private static int pending(CuratorFramework zk, UUID machine) throws Exception {
        try {
            return zk.getChildren().forPath(ZkPaths.metadataPuts(machine)).size();
        } catch (KeeperException.NoNodeException e) {
            return 0;
        }
    }

    private static ZoneMetadata view(CuratorFramework zk, UUID machine) throws Exception {
        try {
            return Json.read(new String(zk.getData().forPath(ZkPaths.metadata(machine)), StandardCharsets.UTF_8), ZoneMetadata.class);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }
}
