package io.gantry.bench;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * `triton instance create -w` through the whole platform (`gantry dev` in its own process: cloud API,
 * PostgreSQL, provisioner, ZooKeeper, agent) against the zone backend's own create of the same zone
 * on the same machine, in the same run. Also times a signed `triton package list`, the CLI's own cost
 * (node start-up, key loading, one request). Needs root, runc and the triton CLI.
 */
@Command(name = "triton-create-bench", mixinStandardHelpOptions = true,
        description = "triton instance create -w through gantry dev vs the zone backend's own create.")
public final class TritonCreateBench implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "10", description = "Zones created per path (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--triton", defaultValue = "${env:TRITON_NODE_MODULES:-/var/tmp/gantry-triton-cli/node_modules}/.bin/triton",
            description = "The triton CLI (default ${DEFAULT-VALUE}).")
    Path triton;

    @Option(names = "--work-dir", defaultValue = "/var/tmp/gantry-triton-bench", description = "Scratch space, removed afterwards.")
    Path workDir;

    private Process dev;
    private Map<String, String> env;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TritonCreateBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        var why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            System.err.println("triton-create-bench: " + why.get());
            return 2;
        }
        if (!Files.isExecutable(triton)) {
            System.err.println("triton-create-bench: no triton CLI at " + triton + "; npm install --prefix /var/tmp/gantry-triton-cli triton@7.17.0");
            return 2;
        }
        Files.createDirectories(workDir);
        startDev();
        try (GantryVariant backendOnly = new GantryVariant(workDir, "tbraw")) {
            Samples cli = new Samples();
            Samples create = new Samples();
            Samples delete = new Samples();
            Samples backendCreate = new Samples();
            Samples backendDelete = new Samples();
            Samples platform = new Samples();
            triton("instance", "create", "-w", "-n", "warmup", "busybox", "gantry-128M");
            triton("instance", "delete", "-f", "-w", "warmup");
            backendOnly.stopAndDelete(backendOnly.createRunning(0));
            for (int i = 1; i <= rounds; i++) {
                cli.add(timed(() -> triton("package", "list")));
                String name = "tb" + i;
                create.add(timed(() -> triton("instance", "create", "-w", "-n", name, "busybox", "gantry-128M")));
                platform.add(acceptedToRunningNanos(name));
                delete.add(timed(() -> triton("instance", "delete", "-f", "-w", name)));
                int index = i;
                String[] handle = new String[1];
                backendCreate.add(timed(() -> handle[0] = backendOnly.createRunning(index)));
                backendDelete.add(timed(() -> backendOnly.stopAndDelete(handle[0])));
                ZoneLifecycleBench.progress("rounds", i, rounds);
            }
            System.out.println();
            System.out.printf("%d rounds on this machine (%d CPUs); gantry dev in its own JVM; the backend in this JVM on another node name.%n",
                    rounds, Runtime.getRuntime().availableProcessors());
            System.out.println("| path | p50 ms | p99 ms |");
            System.out.println("|---|---:|---:|");
            row("`triton package list` (CLI start + one signed request)", cli);
            row("`triton instance create -w` (CLI, API, provisioner, ZooKeeper, agent, zone)", create);
            row("API accepted → recorded running (machine `updated` − `created`)", platform);
            row("zone backend create alone (`RuncZoneBackend.create`)", backendCreate);
            row("`triton instance delete -f -w`", delete);
            row("zone backend stop + delete alone", backendDelete);
            System.out.printf("Ratios (p50) over the backend's own create: triton create -w %.2f; accepted → running %.2f."
                            + " The CLI polls the machine once a second, so -w waits for the next whole second.%n",
                    create.p50() / backendCreate.p50(), platform.p50() / backendCreate.p50());
            return 0;
        } finally {
            stopDev();
        }
    }

    private static void row(String what, Samples s) {
        System.out.printf("| %s | %.0f | %.0f |%n", what, s.p50(), s.p99());
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long timed(Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        return System.nanoTime() - t0;
    }

    private void startDev() throws IOException, InterruptedException {
        int api = freePort();
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "io.gantry.platform.GantryCommand", "--node", "tbench", "--state-dir",
                workDir.resolve("dev-state").toString(), "dev", "--api-port", Integer.toString(api), "--zk-port",
                Integer.toString(freePort()), "--db-port", Integer.toString(freePort()), "--key-dir", workDir.resolve("home/.ssh").toString(),
                "--portal-port", Integer.toString(freePort()), "--no-keycloak");
        dev = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(workDir.resolve("dev.log").toFile()).start();
        String keyId = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline && dev.isAlive()) {
            String log = Files.readString(workDir.resolve("dev.log"));
            Matcher m = Pattern.compile("export TRITON_KEY_ID=(\\S+)").matcher(log);
            if (m.find() && log.contains("gantry dev is running")) {
                keyId = m.group(1);
                break;
            }
            Thread.sleep(500);
        }
        if (keyId == null) {
            throw new IllegalStateException("gantry dev did not come up; see " + workDir.resolve("dev.log"));
        }
        env = Map.of("HOME", workDir.resolve("home").toString(), "TRITON_URL", "http://127.0.0.1:" + api,
                "TRITON_ACCOUNT", "demo", "TRITON_KEY_ID", keyId);
        ZoneLifecycleBench.say("gantry dev is up on port " + api);
    }

    private void stopDev() throws InterruptedException {
        if (dev != null) {
            dev.destroy();
            if (!dev.waitFor(60, TimeUnit.SECONDS)) {
                dev.destroyForcibly().waitFor();
            }
            Cmd.run(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
                    "io.gantry.platform.GantryCommand", "--node", "tbench", "--state-dir", workDir.resolve("dev-state").toString(),
                    "node", "destroy", "--yes");
        }
        Cmd.run("rm", "-rf", "--one-file-system", workDir.toString());
    }

    private String triton(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(triton.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = String.join("\n", r.lines().toList());
        }
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("triton " + String.join(" ", args) + " failed:\n" + out);
        }
        return out;
    }

    /** From the API's acceptance of the create to the recorded running state, as the machine's own times say. */
    private long acceptedToRunningNanos(String name) throws IOException, InterruptedException {
        var machine = io.gantry.common.Json.read(triton("instance", "get", "-j", name), com.fasterxml.jackson.databind.JsonNode.class);
        var created = java.time.Instant.parse(machine.path("created").asText());
        var updated = java.time.Instant.parse(machine.path("updated").asText());
        return java.time.Duration.between(created, updated).toNanos();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
