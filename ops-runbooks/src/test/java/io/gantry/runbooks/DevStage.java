package io.gantry.runbooks;

import io.gantry.agent.host.HostProbe;
import io.gantry.testkit.LoopbackPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code gantry dev} for one runbook: a child process of the built jar on free loopback ports,
 * with its own node name, state directory and key directory, all under the runbook's work directory.
 * Blocks get its URLs and keys (see ops-runbooks/README.md for the list), a {@code HOME} of their own
 * whose {@code .ssh} holds the dev keys (where the triton CLI looks), and {@code gantry} first on PATH.
 * Closing stops it (SIGTERM), stops a PostgreSQL it may have left, and runs {@code gantry node
 * destroy --yes} for its node and for any other node a block left in {@code $RUNBOOK_WORK}, so no zone, namespace,
 * mount or cgroup of them stays.
 */
final class DevStage implements RunbookStage {
    static final String READY = "gantry dev is running";
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration STOP = Duration.ofSeconds(60);
    private static final Pattern KEY_ID = Pattern.compile("export TRITON_KEY_ID=(\\S+)");

    private final Optional<String> unavailable;
    private final Path dir;
    private final String node = "rb-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path state;
    private final Path log;
    private Process dev;
    private Map<String, String> environment = Map.of();

    DevStage(Path work) {
        this.unavailable = HostProbe.whyNoRealZones();
        this.dir = work.resolve("dev");
        this.state = dir.resolve("state");
        this.log = dir.resolve("dev.log");
        if (unavailable.isEmpty()) {
            try {
                start(work);
            } catch (IOException e) {
                close();
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }
    }

    private void start(Path work) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path keys = home.resolve(".ssh");
        Path scratch = Files.createDirectories(work.resolve("work"));
        Path bin = Repo.gantryCommand(dir.resolve("bin"));
        int api = LoopbackPort.free();
        int zk = LoopbackPort.free();
        int db = LoopbackPort.free();
        int metering = LoopbackPort.free();
        int portal = LoopbackPort.free();
        int imageStore = LoopbackPort.free();
        // no runbook signs in through the portal: no Keycloak (half a minute and half a GiB each)
        ProcessBuilder pb = new ProcessBuilder(Repo.java().toString(), "-jar", Repo.jar().toString(), "--node", node, "--state-dir",
                state.toString(), "dev", "--key-dir", keys.toString(), "--api-port", Integer.toString(api), "--zk-port",
                Integer.toString(zk), "--db-port", Integer.toString(db), "--metering-port", Integer.toString(metering),
                "--portal-port", Integer.toString(portal), "--image-store-port", Integer.toString(imageStore), "--no-keycloak")
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("GANTRY_") || k.startsWith("TRITON_"));
        pb.environment().put("HOME", home.toString());
        dev = pb.start();
        String said = awaitReady();

        Map<String, String> env = new HashMap<>();
        String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Optional<Path> triton = TritonCli.bin();
        if (triton.isPresent()) {
            path = bin + ":" + triton.get() + path.substring(bin.toString().length());
            Matcher keyId = KEY_ID.matcher(said);
            if (!keyId.find()) {
                throw new IllegalStateException("gantry dev printed no TRITON_KEY_ID line:\n" + said);
            }
            env.put("TRITON_URL", "http://127.0.0.1:" + api);
            env.put("TRITON_ACCOUNT", "demo");
            env.put("TRITON_KEY_ID", keyId.group(1));
            env.put("TRITON_TLS_INSECURE", "1");
        }
        env.put("PATH", path);
        env.put("HOME", home.toString());
        env.put("RUNBOOK_WORK", scratch.toString());
        env.put("GANTRY_CLOUDAPI_URL", "http://127.0.0.1:" + api);
        env.put("GANTRY_METERING_URL", "http://127.0.0.1:" + metering);
        env.put("GANTRY_OPERATOR_KEY", keys.resolve("gantry-dev-admin_rsa").toString());
        env.put("GANTRY_ZK", "127.0.0.1:" + zk);
        env.put("GANTRY_STATE_DIR", state.toString());
        env.put("GANTRY_NODE", node);
        env.put("GANTRY_KEY_DIR", keys.toString());
        // what `gantry dev` reads as its defaults, so a runbook that stops it can start the same platform again
        env.put("GANTRY_API_PORT", Integer.toString(api));
        env.put("GANTRY_ZK_PORT", Integer.toString(zk));
        env.put("GANTRY_DB_PORT", Integer.toString(db));
        env.put("GANTRY_METERING_PORT", Integer.toString(metering));
        env.put("GANTRY_PORTAL_PORT", Integer.toString(portal));
        env.put("GANTRY_IMAGE_STORE_PORT", Integer.toString(imageStore));
        env.put("GANTRY_NO_KEYCLOAK", "true");
        env.put("GANTRY_DEV_PID", Long.toString(dev.pid()));
        env.put("GANTRY_DEV_LOG", log.toString());
        environment = Map.copyOf(env);
    }

    /** Waits for the ready line; returns what dev printed. */
    private String awaitReady() throws IOException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            String said = Files.readString(log);
            if (said.contains(READY)) {
                return said;
            }
            if (!dev.isAlive()) {
                throw new IllegalStateException("gantry dev ended (exit " + dev.exitValue() + ") before it was ready:\n" + said);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while gantry dev started");
            }
        }
        throw new IllegalStateException("gantry dev was not ready after " + START.toSeconds() + " s:\n" + Files.readString(log));
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public Optional<String> unavailable() {
        return unavailable;
    }

    /** What gantry dev printed so far (for a failed runbook's report). */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (dev != null) {
            dev.destroy(); // SIGTERM: dev stops its roles and its PostgreSQL
            try {
                if (!dev.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
                    dev.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopLeftPostgres(state.resolve("dev/postgres"));
        if (Files.isDirectory(state)) {
            destroyNode(node, state);
        }
        destroyNodesOfBlocks();
    }

    /**
     * A runbook that starts another agent gives it the state directory {@code $RUNBOOK_WORK/<node>} and removes it in
     * its last block; when an earlier block failed, that block never ran, and its zones, namespaces and mounts are
     * removed here instead.
     */
    private void destroyNodesOfBlocks() {
        Path scratch = dir.resolveSibling("work");
        if (!Files.isDirectory(scratch)) {
            return;
        }
        try (var dirs = Files.list(scratch)) {
            for (Path other : dirs.filter(d -> Files.isDirectory(d.resolve("zones"))).toList()) {
                String name = other.getFileName().toString();
                if (Files.exists(Path.of("/run/netns", "gantry-" + name)) || hasEntries(other.resolve("zones"))) {
                    destroyNode(name, other); // not removed by the runbook itself
                }
            }
        } catch (IOException e) {
            System.err.println("cannot list " + scratch + " for nodes the runbook left: " + e.getMessage());
        }
    }

    /** A dev killed without its shutdown (by the runbook or above) leaves its PostgreSQL running: stop that one, found by its pid file. */
    private static void stopLeftPostgres(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
            Optional<ProcessHandle> pg = ProcessHandle.of(pid)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(data.toString())).orElse(false));
            if (pg.isPresent()) {
                pg.get().destroy();
                pg.get().onExit().get(STOP.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(data.toString())).orElse(false))
                    .forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    private void destroyNode(String node, Path state) {
        try {
            Process p = new ProcessBuilder(Repo.java().toString(), "-jar", Repo.jar().toString(), "--node", node, "--state-dir",
                    state.toString(), "node", "destroy", "--yes").redirectErrorStream(true).redirectOutput(dir.resolve("destroy-" + node + ".log").toFile())
                    .start();
            if (!p.waitFor(STOP.toSeconds() * 2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                System.err.println("gantry node destroy for " + node + " took over " + STOP.toSeconds() * 2 + " s");
            } else if (p.exitValue() != 0) {
                System.err.println("gantry node destroy for " + node + " failed:\n" + Files.readString(dir.resolve("destroy-" + node + ".log")));
            }
        } catch (IOException e) {
            System.err.println("gantry node destroy for " + node + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
