package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.image.BusyboxImage;
import io.gantry.cloudapi.auth.RequestSigner;
import io.gantry.testkit.LoopbackPort;
import io.gantry.tls.CaTrust;
import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.runc.ZoneLayout;
import io.gantry.common.Json;
import io.gantry.testkit.NetProbe;
import io.gantry.testkit.TcpBannerListener;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real `triton` CLI (npm package triton 7.17.0, unmodified) against `gantry dev` running as its
 * own process with --tls (over HTTPS, the CLI trusting the CA gantry dev made: no TRITON_TLS_INSECURE),
 * with real runc zones. Checks on the node that the zone exists with the package's caps
 * and is gone after delete. Needs root, runc and npm (with the npm registry reachable or the package
 * in npm's cache).
 */
@Tag("zones")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TritonCliEndToEndTest {
    private static final String TRITON_VERSION = "7.17.0";
    private final String node = "e2e" + ProcessHandle.current().pid() % 10000;
    private Path work;
    private Path stateDir;
    private Process dev;
    private final BlockingQueue<String> devLines = new LinkedBlockingQueue<>();
    private final StringBuilder devLog = new StringBuilder();
    private Path triton;
    private Map<String, String> env;
    private String meteringUrl;
    private String meteringCa;
    private int imageStorePort;

    @BeforeAll
    void startGantryDev() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        assumeTrue(Cmd.run("npm", "--version").ok(), "npm is not installed; the end-to-end test installs the triton CLI with it");
        work = Files.createTempDirectory("gantry-e2e-");
        stateDir = work.resolve("state");
        triton = installTriton(work.resolve("triton-cli"));
        int api = LoopbackPort.free();
        int zkPort = LoopbackPort.free();
        imageStorePort = LoopbackPort.free();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                "io.gantry.platform.GantryCommand", "--node", node, "--state-dir", stateDir.toString(), "dev",
                "--api-port", Integer.toString(api), "--zk-port", Integer.toString(zkPort), "--db-port", Integer.toString(LoopbackPort.free()),
                "--metering-port", Integer.toString(LoopbackPort.free()), "--key-dir", work.resolve("home/.ssh").toString(), "--tls",
                "--portal-port", Integer.toString(LoopbackPort.free()), "--no-keycloak",
                "--image-store-port", Integer.toString(imageStorePort));
        dev = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (devLog) {
                        devLog.append(line).append('\n');
                    }
                    devLines.add(line);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "gantry-dev-output");
        reader.setDaemon(true);
        reader.start();
        String keyId = null;
        String caFile = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            String line = devLines.poll(1, TimeUnit.SECONDS);
            if (line == null) {
                assertThat(dev.isAlive()).as("gantry dev exited early:\n" + log()).isTrue();
                continue;
            }
            Matcher m = Pattern.compile("export TRITON_KEY_ID=(\\S+)").matcher(line);
            if (m.find()) {
                keyId = m.group(1);
            }
            Matcher ca = Pattern.compile("export NODE_EXTRA_CA_CERTS=(\\S+)").matcher(line);
            if (ca.find()) {
                caFile = ca.group(1);
            }
            Matcher metering = Pattern.compile("export GANTRY_METERING_URL=(\\S+) GANTRY_METERING_CA=(\\S+)").matcher(line);
            if (metering.find()) {
                meteringUrl = metering.group(1);
                meteringCa = metering.group(2);
            }
            if (line.contains("gantry dev is running")) {
                break;
            }
        }
        assertThat(keyId).as("gantry dev printed the TRITON_KEY_ID line:\n" + log()).isNotNull();
        assertThat(caFile).as("gantry dev --tls printed the CA file for NODE_EXTRA_CA_CERTS:\n" + log()).isNotNull();
        assertThat(meteringUrl).as("gantry dev --tls serves metering over HTTPS too:\n" + log()).startsWith("https://127.0.0.1:");
        assertThat(meteringCa).isEqualTo(caFile);
        assertThat(log()).as("over TLS nothing tells the CLI to skip certificate checks").doesNotContain("export TRITON_TLS_INSECURE");
        // the CLI checks the certificate against the CA gantry dev made: no TRITON_TLS_INSECURE
        env = Map.of("HOME", work.resolve("home").toString(), "TRITON_URL", "https://127.0.0.1:" + api,
                "TRITON_ACCOUNT", "demo", "TRITON_KEY_ID", keyId, "NODE_EXTRA_CA_CERTS", caFile);
    }

    private String log() {
        synchronized (devLog) {
            return devLog.toString();
        }
    }

    /** The CLI from $TRITON_NODE_MODULES (CI installs it there), else installed with npm into {@code prefix}. */
    private static Path installTriton(Path prefix) throws IOException {
        String preinstalled = System.getenv("TRITON_NODE_MODULES");
        if (preinstalled != null && Files.isExecutable(Path.of(preinstalled, ".bin", "triton"))) {
            return Path.of(preinstalled, ".bin", "triton");
        }
        Path bin = prefix.resolve("node_modules/.bin/triton");
        if (!Files.exists(bin)) {
            Files.createDirectories(prefix);
            Cmd.Result r = Cmd.run("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund", "--loglevel=error",
                    "triton@" + TRITON_VERSION);
            assertThat(r.ok()).as("npm install triton@" + TRITON_VERSION + ": " + r.stderr()).isTrue();
        }
        return bin;
    }

    private String triton(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(triton.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("TRITON_TLS_INSECURE");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("triton " + String.join(" ", args) + " finished").isTrue();
        assertThat(p.exitValue()).as("triton " + String.join(" ", args) + ":\n" + out + "\ngantry dev said:\n" + log()).isZero();
        return out;
    }

    /** The zone's init as runc sees it on the node. */
    private long initPid(String id) {
        Cmd.Result state = Cmd.run("runc", "--root", "/run/gantry/" + node + "/runc", "state", id);
        assertThat(state.ok()).as(state.stderr()).isTrue();
        return Json.read(state.stdout(), JsonNode.class).path("pid").asLong();
    }

    /** Runs a shell script inside the zone, as runc on the node runs it. */
    private String inZone(String id, String script) {
        Cmd.Result r = Cmd.run("runc", "--root", "/run/gantry/" + node + "/runc", "exec", id, "sh", "-c", script);
        assertThat(r.ok()).as("in zone %s: %s: %s", id, script, r.stderr()).isTrue();
        return r.stdout();
    }

    private static final String SMARTDC_VERSION = "9.0.1";

    /** node-smartdc's sdc-* commands from $TRITON_NODE_MODULES (CI installs them beside the triton CLI), else installed with npm. */
    private Path smartdcBin() {
        String preinstalled = System.getenv("TRITON_NODE_MODULES");
        if (preinstalled != null && Files.isExecutable(Path.of(preinstalled, "smartdc", "bin", "sdc-listmachines"))) {
            return Path.of(preinstalled, "smartdc", "bin");
        }
        Path prefix = work.resolve("smartdc");
        Path bin = prefix.resolve("node_modules/smartdc/bin");
        if (!Files.exists(bin)) {
            Cmd.Result r = Cmd.run("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund", "--loglevel=error",
                    "smartdc@" + SMARTDC_VERSION);
            assertThat(r.ok()).as("npm install smartdc@" + SMARTDC_VERSION + ": " + r.stderr()).isTrue();
        }
        return bin;
    }

    /** A node-smartdc command signing as the demo account with its key, over HTTPS trusting gantry dev's CA (no SDC_TESTING). */
    private String sdc(String command, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(smartdcBin().resolve(command).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("SDC_TESTING");
        pb.environment().put("HOME", env.get("HOME"));
        pb.environment().put("NODE_EXTRA_CA_CERTS", env.get("NODE_EXTRA_CA_CERTS"));
        pb.environment().put("SDC_URL", env.get("TRITON_URL"));
        pb.environment().put("SDC_ACCOUNT", env.get("TRITON_ACCOUNT"));
        pb.environment().put("SDC_KEY_ID", env.get("TRITON_KEY_ID"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(command + " finished").isTrue();
        assertThat(p.exitValue()).as(command + " " + String.join(" ", args) + ":\n" + out + "\ngantry dev said:\n" + log()).isZero();
        return out;
    }

    private JsonNode gantryJson(String... args) {
        return Json.read(gantryText(args), JsonNode.class);
    }

    private String gantryText(String... args) {
        List<String> all = new ArrayList<>(List.of("--node", node, "--state-dir", stateDir.toString()));
        all.addAll(List.of(args));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(GantryCommand.run(all.toArray(String[]::new))).isZero();
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (dev != null) {
            dev.destroy();
            if (!dev.waitFor(60, TimeUnit.SECONDS)) {
                dev.destroyForcibly().waitFor();
            }
        }
        if (stateDir != null) {
            GantryCommand.run("--node", node, "--state-dir", stateDir.toString(), "node", "destroy", "--yes");
            Cmd.check("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    @Test
    void tritonCliDrivesAZoneThroughItsWholeLife() throws Exception {
        assertThat(triton("package", "list")).contains("gantry-128M", "gantry-256M");
        assertThat(triton("image", "list")).contains("busybox");
        assertThat(triton("network", "list")).contains("external", "My-Fabric-Network");

        assertThat(triton("instance", "create", "-w", "-n", "e2e1", "busybox", "gantry-128M")).contains("Created instance e2e1");
        assertThat(triton("instance", "list")).contains("e2e1").contains("running");
        JsonNode machine = Json.read(triton("instance", "get", "-j", "e2e1"), JsonNode.class);
        String id = machine.path("id").asText();
        assertThat(machine.path("state").asText()).isEqualTo("running");
        assertThat(machine.path("compute_node").asText()).isEqualTo(node);
        assertThat(machine.path("memory").asLong()).isEqualTo(128);

        JsonNode zone = gantryJson("zone", "get", id, "--json");
        assertThat(zone.path("state").asText()).as("the zone on the node").isEqualTo("running");
        assertThat(machine.path("primaryIp").asText()).as("an address of the account's default fabric").startsWith("192.168.128.");
        assertThat(zone.path("ip").asText()).as("the node wired the address the control plane gave").isEqualTo(machine.path("primaryIp").asText());
        JsonNode stats = gantryJson("zone", "stats", id);
        assertThat(stats.path("memoryLimitBytes").asLong()).as("package memory as the cgroup cap").isEqualTo(128L << 20);
        assertThat(stats.path("lwpsLimit").asLong()).as("package lwps").isEqualTo(256);
        assertThat(stats.path("cpuQuotaMicros").asLong()).as("package cpu_cap 100").isEqualTo(100_000);

        triton("instance", "stop", "-w", "e2e1");
        assertThat(gantryJson("zone", "get", id, "--json").path("state").asText()).isEqualTo("stopped");
        triton("instance", "start", "-w", "e2e1");
        assertThat(gantryJson("zone", "get", id, "--json").path("state").asText()).isEqualTo("running");

        triton("instance", "resize", "-w", "e2e1", "gantry-256M");
        assertThat(gantryJson("zone", "stats", id).path("memoryLimitBytes").asLong()).as("resized live").isEqualTo(256L << 20);
        assertThat(Json.read(triton("instance", "get", "-j", "e2e1"), JsonNode.class).path("package").asText()).isEqualTo("gantry-256M");

        long initBefore = initPid(id);
        triton("instance", "reboot", "-w", "e2e1");
        assertThat(initPid(id)).as("a new init already runs when reboot -w returns").isNotEqualTo(initBefore).isPositive();
        assertThat(triton("instance", "audit", "e2e1")).contains("reboot");

        // usage crossed TLS twice: the agent shipped it to metering trusting the dev CA, and the cloud API read it back the same way
        Poll.until(Duration.ofSeconds(90), () -> assertThat(triton("cloudapi", "/demo/usage?granularity=total&per=instance")).contains(id));
        assertThat(gantryText("budget", "list", "demo", "--metering-url", meteringUrl, "--metering-ca", meteringCa)).isNotNull();

        triton("instance", "tag", "set", "-w", "e2e1", "role=web");
        assertThat(triton("instance", "tag", "list", "e2e1")).contains("\"role\": \"web\"");

        triton("instance", "delete", "-f", "-w", "e2e1");
        assertThat(triton("instance", "list")).doesNotContain("e2e1");
        JsonNode zones = gantryJson("zone", "list", "--json");
        assertThat(zones.findValuesAsText("uuid")).as("the zone is gone from the node").doesNotContain(id);
    }

    /** A snapshot taken, a file changed in the zone, the instance started from the snapshot: the file as it was. */
    @Test
    void tritonCliTakesASnapshotAndStartsTheInstanceFromIt() throws Exception {
        triton("instance", "create", "-w", "-n", "e2e-snap", "busybox", "gantry-128M");
        String id = Json.read(triton("instance", "get", "-j", "e2e-snap"), JsonNode.class).path("id").asText();
        inZone(id, "echo before > /kept.txt");

        assertThat(triton("instance", "snapshot", "create", "-w", "-n", "first", "e2e-snap")).contains("Created snapshot \"first\"");
        assertThat(triton("instance", "snapshot", "list", "e2e-snap")).contains("first").contains("created");
        JsonNode snap = Json.read(triton("instance", "snapshot", "get", "-j", "e2e-snap", "first"), JsonNode.class);
        assertThat(snap.path("state").asText()).isEqualTo("created");
        assertThat(snap.path("size").asLong()).as("bytes on the zone's disk").isPositive();

        inZone(id, "echo after > /kept.txt && echo extra > /new.txt");
        assertThat(inZone(id, "cat /kept.txt")).isEqualTo("after\n");
        triton("instance", "stop", "-w", "e2e-snap");
        assertThat(triton("instance", "start", "-w", "--snapshot", "first", "e2e-snap")).contains("Start instance");
        assertThat(Json.read(triton("instance", "get", "-j", "e2e-snap"), JsonNode.class).path("state").asText()).isEqualTo("running");
        assertThat(inZone(id, "cat /kept.txt; ls /new.txt 2>/dev/null || echo no-new")).isEqualTo("before\nno-new\n");

        // a running instance too: start --snapshot stops it, rolls back and starts it; -w waits for all of it
        inZone(id, "echo again > /kept.txt");
        triton("instance", "start", "-w", "--snapshot", "first", "e2e-snap");
        assertThat(inZone(id, "cat /kept.txt")).isEqualTo("before\n");

        assertThat(triton("instance", "snapshot", "delete", "-f", "-w", "e2e-snap", "first")).contains("Deleted snapshot \"first\"");
        assertThat(triton("instance", "snapshot", "list", "e2e-snap")).doesNotContain("first");
        triton("instance", "delete", "-f", "-w", "e2e-snap");
    }

    /** node-smartdc's five snapshot commands, unmodified, against gantry dev over HTTPS. */
    @Test
    void nodeSmartdcSnapshotCommandsWork() throws Exception {
        triton("instance", "create", "-w", "-n", "e2e-sdc", "busybox", "gantry-128M");
        String id = Json.read(triton("instance", "get", "-j", "e2e-sdc"), JsonNode.class).path("id").asText();
        inZone(id, "echo original > /f");

        JsonNode made = Json.read(sdc("sdc-createmachinesnapshot", "--name", "sdc1", id), JsonNode.class);
        assertThat(made.path("name").asText()).isEqualTo("sdc1");
        assertThat(made.path("state").asText()).isEqualTo("queued");
        Poll.until(Duration.ofSeconds(60), () -> assertThat(Json.read(sdc("sdc-getmachinesnapshot", "--snapshot", "sdc1", id), JsonNode.class)
                .path("state").asText()).isEqualTo("created"));
        JsonNode list = Json.read(sdc("sdc-listmachinesnapshots", id), JsonNode.class);
        assertThat(list.findValuesAsText("name")).containsExactly("sdc1");

        inZone(id, "echo changed > /f");
        sdc("sdc-startmachinefromsnapshot", "--snapshot", "sdc1", id);
        Poll.until(Duration.ofSeconds(60), () -> {
            assertThat(Json.read(triton("instance", "get", "-j", "e2e-sdc"), JsonNode.class).path("state").asText()).isEqualTo("running");
            assertThat(inZone(id, "cat /f")).isEqualTo("original\n");
        });

        sdc("sdc-deletemachinesnapshot", "--snapshot", "sdc1", id);
        Poll.until(Duration.ofSeconds(60), () -> assertThat(Json.read(sdc("sdc-listmachinesnapshots", id), JsonNode.class)).isEmpty());
        triton("instance", "delete", "-f", "-w", "e2e-sdc");
    }

    /**
     * An image the operator imports through {@code POST /ops/images} (the busybox tarball, gzipped: bytes the node has
     * never seen) with a memory requirement: {@code triton image get} shows the requirement and the file, a package below
     * it is refused, and a machine of a package that fits runs, the node having fetched the image from gantry dev's
     * image store.
     */
    @Test
    void tritonCliSeesAnImportedImageWithItsRequirementsAndRunsIt() throws Exception {
        Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("e2e-image.tar"));
        Path gzipped = work.resolve("e2e-image.tar.gz");
        try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gzipped))) {
            Files.copy(tarball, out);
        }
        String target = "/ops/images?name=e2e-image&version=1.0.0&os=linux&min_memory=256";
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(URI.create(env.get("TRITON_URL") + target))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(gzipped));
        RequestSigner.load("admin", work.resolve("home/.ssh/" + DevPlatform.OPERATOR_KEY_FILE))
                .headers("POST", target, java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)).forEach(request::header);
        CaTrust trust = CaTrust.of(Path.of(env.get("NODE_EXTRA_CA_CERTS")));
        var imported = java.net.http.HttpClient.newBuilder().sslContext(trust.context()).sslParameters(CaTrust.parameters()).build()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);

        assertThat(triton("image", "list")).contains("e2e-image");
        JsonNode image = Json.read(triton("image", "get", "-j", "e2e-image@1.0.0"), JsonNode.class);
        assertThat(image.path("requirements").path("min_memory").asLong()).isEqualTo(256);
        assertThat(image.path("files").get(0).path("compression").asText()).isEqualTo("gzip");
        assertThat(image.path("files").get(0).path("size").asLong()).isEqualTo(Files.size(gzipped));

        ProcessBuilder refused = new ProcessBuilder(triton.toString(), "instance", "create", "-n", "e2e-small", "e2e-image@1.0.0",
                "gantry-128M").redirectErrorStream(true);
        refused.environment().remove("TRITON_TLS_INSECURE");
        refused.environment().putAll(env);
        Process p = refused.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(said).isNotZero();
        assertThat(said).contains("needs at least 256 MiB").contains("gantry-128M");

        assertThat(triton("instance", "create", "-w", "-n", "e2e-fetched", "e2e-image@1.0.0", "gantry-256M"))
                .contains("Created instance e2e-fetched");
        JsonNode machine = Json.read(triton("instance", "get", "-j", "e2e-fetched"), JsonNode.class);
        assertThat(machine.path("state").asText()).isEqualTo("running");
        assertThat(gantryText("image", "list")).as("the node fetched the image").contains(image.path("files").get(0).path("sha256").asText()
                .substring(0, 12));
        triton("instance", "delete", "-f", "-w", "e2e-fetched");
    }

    /**
     * The tenant's own VLAN and fabric network, two machines on it, a second NIC, and a firewall rule, all made with
     * the triton CLI; checked with real traffic between the zones' network namespaces on the node.
     */
    @Test
    void tritonCliDrivesVlansNetworksNicsAndTheFirewall() throws Exception {
        triton("vlan", "create", "--name", "e2e-vlan", "42");
        triton("network", "create", "--name", "e2e-net", "--subnet", "10.42.0.0/24", "--start-ip", "10.42.0.10", "--end-ip",
                "10.42.0.50", "--gateway", "10.42.0.1", "42");
        assertThat(triton("network", "list")).contains("e2e-net");
        triton("instance", "create", "-w", "-n", "e2e-web", "--network", "e2e-net", "busybox", "gantry-128M");
        triton("instance", "create", "-w", "-n", "e2e-db", "--network", "e2e-net", "busybox", "gantry-128M");
        JsonNode web = Json.read(triton("instance", "get", "-j", "e2e-web"), JsonNode.class);
        JsonNode db = Json.read(triton("instance", "get", "-j", "e2e-db"), JsonNode.class);
        String webIp = web.path("primaryIp").asText();
        String dbIp = db.path("primaryIp").asText();
        assertThat(List.of(webIp, dbIp)).as("addresses of the tenant's network").allMatch(ip -> ip.startsWith("10.42.0."));
        String webNs = ZoneLayout.netnsOf(node, UUID.fromString(web.path("id").asText()));
        String dbNs = ZoneLayout.netnsOf(node, UUID.fromString(db.path("id").asText()));
        assertThat(NetProbe.ping(webNs, dbIp)).as("web -> db on the tenant's network").isTrue();

        try (TcpBannerListener listener = TcpBannerListener.start(dbNs, 5432)) {
            assertThat(NetProbe.tcpReachable(webNs, dbIp, 5432)).as("web -> db:5432, no firewall").isTrue();
            triton("fwrule", "create", "FROM vm " + web.path("id").asText() + " TO vm " + db.path("id").asText() + " ALLOW tcp PORT 5432");
            triton("instance", "enable-firewall", "-w", "e2e-db");
            Poll.until(Duration.ofSeconds(5), () -> assertThat(NetProbe.ping(webNs, dbIp)).as("web -> db ping, db firewalled").isFalse());
            assertThat(NetProbe.tcpReachable(webNs, dbIp, 5432)).as("web -> db:5432, allowed by the rule").isTrue();
            assertThat(triton("instance", "fwrules", "e2e-db")).contains("PORT 5432");
            triton("instance", "disable-firewall", "-w", "e2e-db");
            Poll.until(Duration.ofSeconds(5), () -> assertThat(NetProbe.ping(webNs, dbIp)).as("web -> db ping, firewall off").isTrue());
        }

        JsonNode nic = Json.read(triton("instance", "nic", "create", "-j", "-w", "e2e-web", "My-Fabric-Network"), JsonNode.class);
        assertThat(nic.path("ip").asText()).startsWith("192.168.128.");
        Poll.until(Duration.ofSeconds(30), () -> assertThat(triton("instance", "nic", "list", "e2e-web")).contains(nic.path("ip").asText()));
        Poll.until(Duration.ofSeconds(30), () -> assertThat(Cmd.run("ip", "-n", webNs, "-o", "addr").stdout())
                .as("the zone has its second NIC").contains(nic.path("ip").asText()));
        triton("instance", "nic", "delete", "-f", "e2e-web", nic.path("mac").asText());
        Poll.until(Duration.ofSeconds(30), () -> assertThat(Cmd.run("ip", "-n", webNs, "-o", "addr").stdout())
                .as("the second NIC is gone from the zone").doesNotContain(nic.path("ip").asText()));

        triton("instance", "delete", "-f", "-w", "e2e-web", "e2e-db");
        Poll.until(Duration.ofSeconds(30), () -> {
            triton("network", "delete", "e2e-net");
        });
        triton("vlan", "delete", "42");
        assertThat(triton("vlan", "list")).doesNotContain("e2e-vlan");
    }

    /**
     * CreateImageFromMachine and DeleteImage with the CLI: an image of a stopped instance holds a file written in it, a
     * new instance made from the image has the file, and the image is deleted. The node uploads the image file to the
     * image store gantry dev advertises, where the test finds it by the image's sha256.
     */
    @Test
    void tritonCliMakesAnImageOfAStoppedInstanceAndAnInstanceFromIt() throws Exception {
        triton("instance", "create", "-w", "-n", "e2e-src", "busybox", "gantry-128M");
        String src = Json.read(triton("instance", "get", "-j", "e2e-src"), JsonNode.class).path("id").asText();
        assertThat(runInZone(src, "echo made-in-e2e > /root/made && rm /etc/os-release").ok()).isTrue();
        triton("instance", "stop", "-w", "e2e-src");

        assertThat(triton("image", "create", "-w", "e2e-src", "e2e-img", "1.0.0")).contains("Created image");
        JsonNode image = Json.read(triton("image", "get", "-j", "e2e-img@1.0.0"), JsonNode.class);
        assertThat(image.path("state").asText()).isEqualTo("active");
        assertThat(image.path("public").asBoolean(true)).isFalse();
        assertThat(image.path("owner").asText()).isNotEmpty();
        assertThat(triton("image", "list")).contains("e2e-img");
        String digest = image.path("files").path(0).path("sha256").asText();
        assertThat(digest).as("the image's file").matches("[0-9a-f]{64}");
        HttpResponse<Void> held = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + imageStorePort + "/blobs/sha256/" + digest)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(held.statusCode()).as("the node uploaded the image file to gantry dev's image store").isEqualTo(200);

        triton("instance", "create", "-w", "-n", "e2e-copy", "e2e-img@1.0.0", "gantry-128M");
        String copy = Json.read(triton("instance", "get", "-j", "e2e-copy"), JsonNode.class).path("id").asText();
        assertThat(runInZone(copy, "cat /root/made").stdout().strip()).isEqualTo("made-in-e2e");
        assertThat(runInZone(copy, "test -e /etc/os-release").exitCode()).as("deleted before the image was made").isNotZero();

        triton("instance", "delete", "-f", "-w", "e2e-copy", "e2e-src");
        triton("image", "delete", "-f", "e2e-img@1.0.0");
        assertThat(triton("image", "list", "-a")).doesNotContain("e2e-img");
    }

    /**
     * What a tenant configures a machine with reaches the real zone: {@code --script} runs at every boot (a file written
     * at the first boot and again after a reboot), metadata set with the CLI is read inside with {@code mdata-get}
     * within a second, {@code mdata-put} inside comes back through the CLI, a failing script leaves the machine running
     * and its log says so, and a rename is the zone's hostname.
     */
    @Test
    void tritonCliScriptMetadataAndRenameReachTheZone() throws Exception {
        Path script = work.resolve("boot.sh");
        Files.writeString(script, "#!/bin/sh\necho \"boot $(mdata-get greeting)\" >> /root/boots\nexit 3\n");
        triton("instance", "create", "-w", "-n", "e2e-md", "--script", script.toString(), "-m", "greeting=hello",
                "busybox", "gantry-128M");
        String id = Json.read(triton("instance", "get", "-j", "e2e-md"), JsonNode.class).path("id").asText();
        Poll.until(Duration.ofSeconds(15), () -> assertThat(runInZone(id, "cat /root/boots").stdout()).isEqualTo("boot hello\n"));
        Poll.until(Duration.ofSeconds(15), () -> assertThat(runInZone(id, "cat /var/svc/log/mdata-user-script.log").stdout())
                .as("the failing script is logged, the machine runs on").contains("FAILED with exit status 3"));
        assertThat(Json.read(triton("instance", "get", "-j", "e2e-md"), JsonNode.class).path("state").asText()).isEqualTo("running");

        triton("instance", "metadata", "set", "-q", "e2e-md", "color=blue");
        long set = System.nanoTime();
        Poll.until(Duration.ofSeconds(5), () -> assertThat(runInZone(id, "mdata-get color").stdout().strip()).isEqualTo("blue"));
        System.out.printf("metadata set by the CLI read inside the zone after %d ms%n", (System.nanoTime() - set) / 1_000_000);
        assertThat(runInZone(id, "mdata-get sdc:uuid").stdout().strip()).isEqualTo(id);
        assertThat(runInZone(id, "mdata-get nothing-here").exitCode()).as("mdata-get of an absent key").isEqualTo(1);

        assertThat(runInZone(id, "mdata-put from-inside 'made in the zone'").ok()).isTrue();
        Poll.until(Duration.ofSeconds(10), () -> assertThat(triton("instance", "metadata", "get", "e2e-md", "from-inside").strip())
                .isEqualTo("made in the zone"));

        triton("instance", "reboot", "-w", "e2e-md");
        Poll.until(Duration.ofSeconds(15), () -> assertThat(runInZone(id, "cat /root/boots").stdout())
                .as("the script ran again at the reboot").isEqualTo("boot hello\nboot hello\n"));

        triton("instance", "rename", "e2e-md", "e2e-renamed");
        Poll.until(Duration.ofSeconds(5), () -> assertThat(runInZone(id, "hostname").stdout().strip()).isEqualTo("e2e-renamed"));
        assertThat(runInZone(id, "mdata-get sdc:hostname").stdout().strip()).isEqualTo("e2e-renamed");

        triton("instance", "delete", "-f", "-w", "e2e-renamed");
    }

    /** Runs a shell script inside the zone and answers how it ended, failed or not. */
    private Cmd.Result runInZone(String id, String script) {
        return Cmd.run("runc", "--root", "/run/gantry/" + node + "/runc", "exec", id, "sh", "-c", script);
    }
}
