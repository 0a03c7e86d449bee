package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of the test's own (Debian's docker.io), only to build and {@code docker save}
 * images: its data, exec root and socket are new and unique, it has no bridge and touches no
 * iptables (builds run with {@code --network none}), and {@link #close()} stops it by its PID and
 * removes all it made.
 */
final class OwnDockerd implements AutoCloseable {
    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    private static final List<Path> CLIENTS = List.of(Path.of("/usr/bin/docker"), Path.of("/usr/local/bin/docker"));

    private final Path data;
    private final Path execRoot;
    private final Path socket;
    private final Path client;
    private final Process dockerd;

    private OwnDockerd(Path data, Path execRoot, Path socket, Path client, Process dockerd) {
        this.data = data;
        this.execRoot = execRoot;
        this.socket = socket;
        this.client = client;
        this.dockerd = dockerd;
    }

    /** Why no engine can be started here, if none can. */
    static Optional<String> unavailable() {
        if (!Files.isExecutable(DOCKERD) || client().isEmpty()) {
            return Optional.of("docker save test skipped: no dockerd and docker client here (apt-get install docker.io)");
        }
        return Optional.empty();
    }

    private static Optional<Path> client() {
        return CLIENTS.stream().filter(Files::isExecutable).findFirst();
    }

    /** Its default bridge (unused): with {@code --bridge=none} dockerd would delete the host's docker0, which another engine may use. */
    private static final String BRIDGE = "gantry-oci0";

    static OwnDockerd start() throws IOException {
        String id = "gantry-oci-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        Path data = Files.createTempDirectory(Path.of("/var/tmp"), id + "-");
        Path execRoot = Path.of("/run", id);
        Path socket = Path.of("/run", id + ".sock");
        Process p = new ProcessBuilder(DOCKERD.toString(), "--data-root", data.resolve("root").toString(),
                "--exec-root", execRoot.toString(), "--pidfile", data.resolve("dockerd.pid").toString(),
                "--host", "unix://" + socket, io.gantry.testkit.docker.PrivateBridge.option(BRIDGE, "10.213.251.1/24"), "--iptables=false",
                "--ip-masq=false", "--ip-forward=false")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("dockerd.log").toFile())
                .start();
        OwnDockerd engine = new OwnDockerd(data, execRoot, socket, client().orElseThrow(), p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!engine.docker(Duration.ofSeconds(10), "version").ok()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(data.resolve("dockerd.log"));
                engine.close();
                throw new IllegalStateException("dockerd did not come up: " + log.lines().reduce((a, b) -> b).orElse(""));
            }
            sleep(200);
        }
        return engine;
    }

    Cmd.Result docker(Duration limit, String... args) {
        List<String> cmd = new ArrayList<>(List.of(client.toString(), "--host", "unix://" + socket));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, limit);
    }

    /** Runs the client and fails with its stderr if it fails. */
    String check(Duration limit, String... args) {
        Cmd.Result r = docker(limit, args);
        if (!r.ok()) {
            throw new IllegalStateException("docker " + String.join(" ", args) + ": " + r.stderr().strip() + r.stdout().strip());
        }
        return r.stdout();
    }

    @Override
    public void close() {
        dockerd.toHandle().destroy(); // SIGTERM: it stops its containerd and unmounts its layers
        try {
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Cmd.run(List.of("rm", "-rf", "--one-file-system", data.toString(), execRoot.toString(), socket.toString()), null, Duration.ofMinutes(1));
        io.gantry.testkit.docker.PrivateBridge.remove(BRIDGE);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted"));
        }
    }
}
