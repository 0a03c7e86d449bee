package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.ZoneState;
import io.gantry.testkit.SignedClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code triton} CLI (7.17.0, unmodified) drives fabric VLANs, fabric networks and a machine's NICs against
 * the cloud API: {@code triton vlan create|list|get|delete}, {@code triton network create|list|get|delete},
 * {@code triton instance nic create|list|get|delete}. No provisioner runs: a NIC's job is ended as the provisioner
 * ends it ({@link TestPlatform#finishJobs}). Runs where the CLI is installed ({@code $TRITON_NODE_MODULES}, as CI
 * has it) and node and ssh-keygen are on the PATH; skips otherwise.
 */
class TritonCliNetworksTest extends WithTestPlatform {
    private static TritonCli cli;
    private static SignedClient api;

    @TempDir
    static Path home;

    @BeforeAll
    static void cli() throws Exception {
        cli = TritonCli.open(platform, home);
        api = cli.api;
    }

    private static TritonCli.Run triton(String... args) throws Exception {
        return cli.run(args);
    }

    private static TritonCli.Run ok(String... args) throws Exception {
        return cli.ok(args);
    }

    @Test
    void vlansNetworksAndNicsThroughTheTritonCli() throws Exception {
        assertThat(ok("vlan", "create", "--name", "web", "--description", "front end", "300", "-j").json())
                .containsEntry("vlan_id", 300).containsEntry("name", "web");
        assertThat(ok("vlan", "list", "-j").lines()).extracting(v -> v.get("vlan_id")).contains(2, 300);
        assertThat(ok("vlan", "get", "300", "-j").json()).containsEntry("description", "front end");

        var net = ok("network", "create", "--name", "n1", "--subnet", "10.30.0.0/24", "--start-ip", "10.30.0.10", "--end-ip",
                "10.30.0.20", "--gateway", "10.30.0.1", "-j", "300").json();
        assertThat(net).containsEntry("vlan_id", 300).containsEntry("fabric", true).containsEntry("subnet", "10.30.0.0/24");
        assertThat(ok("network", "list", "-j").lines()).extracting(n -> n.get("name")).contains("n1", "My-Fabric-Network", "external");
        assertThat(ok("network", "get", "n1", "-j").json()).containsEntry("id", net.get("id")).containsEntry("gateway", "10.30.0.1");
        TritonCli.Run refused = triton("network", "create", "--name", "bad", "--subnet", "8.8.8.0/24", "--start-ip", "8.8.8.5", "--end-ip",
                "8.8.8.9", "--gateway", "8.8.8.1", "300");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("not private");

        var created = api.post("/my/machines", Map.of("name", "m1", "image", platform.image.toString(), "package", "small"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String machine = created.json().get("id").toString();
        platform.finishJobs(machine, ZoneState.RUNNING);
        var nics = ok("instance", "nic", "list", "-j", "m1").lines();
        assertThat(nics).hasSize(1);
        assertThat(nics.get(0)).containsEntry("ip", "192.168.128.5").containsEntry("primary", true);

        var nic = ok("instance", "nic", "create", "-j", "m1", "n1").json();
        assertThat(nic).containsEntry("ip", "10.30.0.10").containsEntry("network", net.get("id")).containsEntry("primary", false);
        String mac = nic.get("mac").toString();
        platform.finishJobs(machine, ZoneState.RUNNING);
        assertThat(ok("instance", "nic", "get", "-j", "m1", mac).json()).containsEntry("state", "running").containsEntry("netmask",
                "255.255.255.0");
        assertThat(triton("network", "delete", "n1").exit()).as("a network with a NIC stays").isNotZero();
        ok("instance", "nic", "delete", "-f", "m1", mac);
        platform.finishJobs(machine, ZoneState.RUNNING);
        assertThat(ok("instance", "nic", "list", "-j", "m1").lines()).hasSize(1);

        ok("network", "delete", "n1");
        assertThat(triton("network", "get", "n1").exit()).isNotZero();
        ok("vlan", "delete", "300");
        TritonCli.Run gone = triton("vlan", "get", "300");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("300");
    }
}
