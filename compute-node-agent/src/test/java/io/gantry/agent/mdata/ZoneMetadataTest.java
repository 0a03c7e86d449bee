package io.gantry.agent.mdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.AgentConfig;
import io.gantry.agent.ExecResult;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.net.TestNics;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.runc.ZoneMdata;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.MetadataPut;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.testkit.TestZooKeeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The metadata service end to end on one node: real runc zones of the busybox image, a real ZooKeeper where the test
 * publishes each machine's {@link ZoneMetadata} as the control plane would, and the mdata tools run inside the zones.
 */
@Tag("zones")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ZoneMetadataTest {
    private static final Package SMALL = Package.custom(64, 100, 64, 64);

    private Path stateDir;
    private RuncZoneBackend backend;
    private String imageId;
    private TestZooKeeper zk;
    private CuratorFramework client;
    private MetadataService service;
    private final TestNics.Fabric fabric = TestNics.fabric(false);
    private final List<UUID> machines = new ArrayList<>();
    private final UUID owner = UUID.randomUUID();
    private int hosts;

    @BeforeAll
    void openNode() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        stateDir = Files.createTempDirectory("gantry-mdata-");
        String node = "t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        backend = RuncZoneBackend.open(AgentConfig.of(stateDir, node));
        imageId = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, stateDir.resolve("busybox.tar")),
                BusyboxImage.NAME).id();
        zk = TestZooKeeper.shared();
        client = zk.newClient();
        service = MetadataService.start(client, backend);
    }

    @AfterAll
    void destroyNode() throws Exception {
        if (service != null) {
            service.close();
        }
        if (backend != null) {
            backend.destroyNode();
        }
        if (client != null) {
            for (UUID machine : machines) {
                for (String path : List.of(ZkPaths.metadata(machine), ZkPaths.metadataPuts(machine))) {
                    if (client.checkExists().forPath(path) != null) {
                        client.delete().deletingChildrenIfNeeded().forPath(path);
                    }
                }
            }
            client.close();
        }
        if (stateDir != null) {
            Cmd.check("rm", "-rf", "--one-file-system", stateDir.toString());
        }
    }

    private void publish(UUID machine, long generation, String alias, Map<String, String> customer) throws Exception {
        ZoneMetadata view = new ZoneMetadata(machine, generation, alias, owner, "tenant1", customer, Map.of("role", "web"),
                List.of("8.8.8.8"), List.of());
        byte[] data = Json.write(view).getBytes(StandardCharsets.UTF_8);
        if (client.checkExists().forPath(ZkPaths.metadata(machine)) == null) {
            client.create().creatingParentsIfNeeded().forPath(ZkPaths.metadata(machine), data);
        } else {
            client.setData().forPath(ZkPaths.metadata(machine), data);
        }
    }

    private Zone zone(String alias, Map<String, String> customer) throws Exception {
        UUID uuid = UUID.randomUUID();
        machines.add(uuid);
        publish(uuid, 1, alias, customer);
        Zone zone = backend.create(new ZoneSpec(uuid, alias, "tenant1", imageId, SMALL, List.of(fabric.nic(++hosts)), false));
        assertThat(zone.state()).as(zone.reason()).isEqualTo(ZoneState.RUNNING);
        return zone;
    }

    private ExecResult sh(Zone zone, String script) {
        return backend.exec(zone.uuid(), List.of("sh", "-c", script), Duration.ofSeconds(30));
    }

    private List<MetadataPut> puts(UUID machine) throws Exception {
        String dir = ZkPaths.metadataPuts(machine);
        if (client.checkExists().forPath(dir) == null) {
            return List.of();
        }
        List<MetadataPut> out = new ArrayList<>();
        for (String child : client.getChildren().forPath(dir).stream().sorted().toList()) {
            out.add(Json.read(new String(client.getData().forPath(dir + "/" + child), StandardCharsets.UTF_8), MetadataPut.class));
        }
        return out;
    }

    @Test
    void customerMetadataAndItsChangesReachTheZone() throws Exception {
        Zone zone = zone("reader", Map.of("foo", "bar", "user-data", "some data"));
        ExecResult got = sh(zone, "mdata-get foo");
        assertThat(got.exitCode()).as(got.stderr()).isZero();
        assertThat(got.stdout()).isEqualTo("bar\n");
        assertThat(sh(zone, "mdata-get user-data").stdout()).isEqualTo("some data\n");
        assertThat(sh(zone, "mdata-list").stdout()).isEqualTo("foo\nuser-data\n");
        assertThat(sh(zone, "mdata-get nothing-here").exitCode()).isEqualTo(1);

        long start = System.nanoTime();
        publish(zone.uuid(), 2, "reader", Map.of("foo", "changed"));
        ExecResult seen = sh(zone, "n=0; until [ \"$(mdata-get foo)\" = changed ]; do n=$((n+1)); [ $n -gt 500 ] && exit 1; done; echo $n");
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("mdata: a published change was read inside the zone after %d ms (%s gets before it)%n", millis, seen.stdout().strip());
        assertThat(seen.exitCode()).isZero();
        assertThat(millis).isLessThan(1000);

        publish(zone.uuid(), 1, "reader", Map.of("foo", "stale"));
        Thread.sleep(300);
        assertThat(sh(zone, "mdata-get foo").stdout()).as("a lower generation is ignored").isEqualTo("changed\n");
    }

    @Test
    void theSdcKeysAreTheZones() throws Exception {
        Zone zone = zone("sdc-keys", Map.of());
        assertThat(sh(zone, "mdata-get sdc:uuid").stdout().strip()).isEqualTo(zone.uuid().toString());
        assertThat(sh(zone, "mdata-get sdc:alias").stdout().strip()).isEqualTo("sdc-keys");
        assertThat(sh(zone, "mdata-get sdc:hostname").stdout().strip()).isEqualTo("sdc-keys");
        assertThat(sh(zone, "mdata-get sdc:owner_uuid").stdout().strip()).isEqualTo(owner.toString());
        assertThat(sh(zone, "mdata-get sdc:server_uuid").stdout().strip()).isEqualTo(service.serverUuid().toString());
        JsonNode nics = Json.mapper().readTree(sh(zone, "mdata-get sdc:nics").stdout());
        assertThat(nics.isArray()).isTrue();
        assertThat(nics.get(0).path("interface").asText()).isEqualTo("net0");
        assertThat(nics.get(0).path("mac").asText()).isEqualTo(zone.spec().nics().get(0).mac());
        assertThat(nics.get(0).path("ip").asText()).isEqualTo(zone.spec().nics().get(0).ip());
        assertThat(nics.get(0).path("netmask").asText()).isEqualTo("255.255.252.0");
        assertThat(nics.get(0).path("primary").asBoolean()).isTrue();
        assertThat(Json.mapper().readTree(sh(zone, "mdata-get sdc:resolvers").stdout()).get(0).asText()).isEqualTo("8.8.8.8");
        assertThat(Json.mapper().readTree(sh(zone, "mdata-get sdc:tags").stdout()).path("role").asText()).isEqualTo("web");
        assertThat(Json.mapper().readTree(sh(zone, "mdata-get sdc:routes").stdout()).isArray()).isTrue();
        assertThat(sh(zone, "mdata-list").stdout()).as("KEYS lists customer keys only").isEmpty();
        ExecResult refused = sh(zone, "mdata-put sdc:uuid 00000000-0000-0000-0000-000000000000");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(sh(zone, "mdata-delete sdc:alias").exitCode()).isEqualTo(2);
        assertThat(puts(zone.uuid())).isEmpty();
    }

    @Test
    void putsFromInsideAreRecordedAndReadBack() throws Exception {
        Zone zone = zone("writer", Map.of("keep", "me"));
        ExecResult put = sh(zone, "mdata-put k 'v with spaces'");
        assertThat(put.exitCode()).as(put.stderr()).isZero();
        assertThat(puts(zone.uuid())).singleElement().satisfies(p -> {
            assertThat(p.machine()).isEqualTo(zone.uuid());
            assertThat(p.key()).isEqualTo("k");
            assertThat(p.value()).isEqualTo("v with spaces");
            assertThat(p.node()).isEqualTo(backend.config().node());
        });
        assertThat(sh(zone, "mdata-get k").stdout()).as("read your writes").isEqualTo("v with spaces\n");
        assertThat(sh(zone, "printf 'from\\nstdin' | mdata-put multi").exitCode()).isZero();
        assertThat(sh(zone, "mdata-list").stdout()).isEqualTo("k\nkeep\nmulti\n");
        assertThat(sh(zone, "mdata-delete keep").exitCode()).isZero();
        assertThat(sh(zone, "mdata-get keep").exitCode()).isEqualTo(1);
        List<MetadataPut> all = puts(zone.uuid());
        assertThat(all).extracting(MetadataPut::key).containsExactly("k", "multi", "keep");
        assertThat(all.get(1).value()).isEqualTo("from\nstdin");
        assertThat(all.get(2).value()).as("a delete").isNull();

        // the control plane applies the puts and publishes them back: the zone reads the same
        publish(zone.uuid(), 2, "writer", Map.of("k", "v with spaces", "multi", "from\nstdin"));
        await().atMost(Duration.ofSeconds(5)).until(() -> sh(zone, "mdata-list").stdout().equals("k\nmulti\n"));
    }

    @Test
    void aZoneReadsOnlyItsOwnMetadata() throws Exception {
        Zone a = zone("zone-a", Map.of("mine", "a"));
        Zone b = zone("zone-b", Map.of("secret", "of b"));
        assertThat(sh(a, "mdata-get secret").exitCode()).isEqualTo(1);
        assertThat(sh(b, "mdata-get secret").stdout()).isEqualTo("of b\n");
        assertThat(sh(a, "ls -A " + ZoneMdata.CONTROL_DIR).stdout().strip()).isEqualTo("metadata.sock");
        assertThat(sh(a, "mdata-put shared x").exitCode()).isZero();
        assertThat(sh(b, "mdata-get shared").exitCode()).isEqualTo(1);
        assertThat(puts(b.uuid())).isEmpty();
    }

    @Test
    void userScriptRunsAtEveryBootAndAFailureIsLoggedNotFatal() throws Exception {
        Zone good = zone("scripted", Map.of("user-script", "#!/bin/sh\necho booted >> /root/boots\n"));
        Zone bad = zone("failing", Map.of("user-script", "#!/bin/sh\necho about to fail\nexit 3\n"));
        await().atMost(Duration.ofSeconds(15)).until(() -> sh(good, "cat /root/boots 2>/dev/null").stdout().equals("booted\n"));
        backend.reboot(good.uuid(), Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(15)).until(() -> sh(good, "cat /root/boots 2>/dev/null").stdout().equals("booted\nbooted\n"));
        await().atMost(Duration.ofSeconds(15)).until(() -> sh(good, "cat " + ZoneMdata.LOG).stdout().contains("exited with status 0"));

        await().atMost(Duration.ofSeconds(15)).until(() -> sh(bad, "cat " + ZoneMdata.LOG + " 2>/dev/null").stdout().contains("FAILED"));
        String log = sh(bad, "cat " + ZoneMdata.LOG).stdout();
        assertThat(log).contains("about to fail").contains("FAILED with exit status 3");
        assertThat(backend.find(bad.uuid()).orElseThrow().state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(bad, "true").exitCode()).isZero();
        assertThat(sh(bad, "cat " + ZoneMdata.SCRIPT).stdout()).startsWith("#!/bin/sh");
    }

    @Test
    void aRenameChangesTheHostnameLiveAndForTheNextBoot() throws Exception {
        Zone zone = zone("before", Map.of());
        assertThat(sh(zone, "hostname").stdout().strip()).isEqualTo("before");
        long start = System.nanoTime();
        publish(zone.uuid(), 2, "after", Map.of());
        ExecResult seen = sh(zone, "n=0; until [ \"$(hostname)\" = after ]; do n=$((n+1)); [ $n -gt 2000 ] && exit 1; usleep 5000; done");
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("mdata: a rename showed as the zone's hostname after %d ms%n", millis);
        assertThat(seen.exitCode()).isZero();
        assertThat(millis).isLessThan(1000);
        assertThat(sh(zone, "mdata-get sdc:alias").stdout().strip()).isEqualTo("after");
        assertThat(backend.find(zone.uuid()).orElseThrow().spec().alias()).isEqualTo("after");
        backend.reboot(zone.uuid(), Duration.ofSeconds(5));
        assertThat(sh(zone, "hostname").stdout().strip()).isEqualTo("after");
    }

    @Test
    void aZoneAskingBeforeItsMetadataIsPublishedWaitsForIt() throws Exception {
        UUID uuid = UUID.randomUUID();
        machines.add(uuid);
        Zone zone = backend.create(new ZoneSpec(uuid, "early", "tenant1", imageId, SMALL, List.of(fabric.nic(++hosts)), false));
        assertThat(zone.state()).isEqualTo(ZoneState.RUNNING);
        long t0 = System.nanoTime();
        assertThat(sh(zone, "mdata-get sdc:uuid").stdout().strip()).as("the node's own keys never wait").isEqualTo(uuid.toString());
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
        var later = java.util.concurrent.CompletableFuture.supplyAsync(() -> sh(zone, "mdata-get foo"));
        Thread.sleep(1000);
        publish(uuid, 1, "early", Map.of("foo", "arrived"));
        ExecResult got = later.get(15, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(got.exitCode()).as(got.stderr()).isZero();
        assertThat(got.stdout()).isEqualTo("arrived\n");
    }

    @Test
    void aNicUpdateMayCarryANewAlias() throws Exception {
        Zone zone = zone("nics-alias", Map.of());
        ZoneSpec renamed = new ZoneSpec(zone.uuid(), "nics-renamed", "tenant1", imageId, SMALL, zone.spec().nics(), true);
        assertThat(backend.updateNics(renamed).spec().alias()).isEqualTo("nics-renamed");
        assertThat(sh(zone, "hostname").stdout().strip()).isEqualTo("nics-renamed");
    }

    @Test
    void aRestartedServiceServesTheZonesAgain() throws Exception {
        Zone zone = zone("restarted", Map.of("still", "here"));
        service.close();
        assertThat(sh(zone, "mdata-get still").exitCode()).as("no service: an error, not a hang").isEqualTo(2);
        service = MetadataService.start(client, backend);
        assertThat(sh(zone, "mdata-get still").stdout()).isEqualTo("here\n");
    }
}
