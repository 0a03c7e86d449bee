package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.testkit.SignedClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
    private static Path triton;
    private static Map<String, String> env;
    private static SignedClient api;
    private static String login;

    @TempDir
    static Path home;

    @BeforeAll
    static void cli() throws Exception {
        String modules = System.getenv("TRITON_NODE_MODULES");
        assumeTrue(modules != null && Files.isExecutable(Path.of(modules, ".bin", "triton")),
                "the triton CLI is not installed: set TRITON_NODE_MODULES to its node_modules");
        assumeTrue(onPath("node") && onPath("ssh-keygen"), "node and ssh-keygen are needed to run the triton CLI");
        triton = Path.of(modules, ".bin", "triton");
        login = "cli" + UUID.randomUUID().toString().substring(0, 8);
        api = platform.account(login);
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Path key = ssh.resolve("id_rsa");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0).as("ssh-keygen").isTrue();
        SshPublicKey pub = SshPublicKey.parse(Files.readString(Path.of(key + ".pub")).trim());
        try (Seed seed = new Seed(platform.db)) {
            seed.key(seed.account(login, login + "@example.test"), "cli", pub);
        }
        env = new HashMap<>(Map.of("HOME", home.toString(), "TRITON_URL", platform.url(), "TRITON_ACCOUNT", login,
                "TRITON_KEY_ID", pub.md5Fingerprint(), "PATH", System.getenv("PATH")));
    }

    private static boolean onPath(String tool) {
        return System.getenv("PATH") != null && List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private record Run(int exit, String out, String err) {
        Map<String, Object> json() {
            return Json.read(out.trim(), Map.class);
        }

        /** The CLI's {@code -j} list output: one JSON object a line. */
        List<Map<String, Object>> lines() {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String line : out.trim().split("\n")) {
                if (!line.isBlank()) {
                    rows.add(Json.read(line, Map.class));
                }
            }
            return rows;
        }
    }

    private static Run triton(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(triton.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("triton " + String.join(" ", args) + " did not end in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Run ok(String... args) throws Exception {
        Run r = triton(args);
        assertThat(r.exit()).as("triton " + String.join(" ", args) + "\n" + r.err()).isZero();
        return r;
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
        Run refused = triton("network", "create", "--name", "bad", "--subnet", "8.8.8.0/24", "--start-ip", "8.8.8.5", "--end-ip",
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
        Run gone = triton("vlan", "get", "300");
        assertThat(gone.exit()).isNotZero();
        assertThat(gone.err()).contains("300");
    }
}
