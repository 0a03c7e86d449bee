package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine for the debian stage: the host's own if one answers on the usual socket, else a dockerd
 * of ours (Debian's docker.io, installed with apt-get when missing) with its data under
 * {@link #DATA} (kept between runs, so the stage's image is built once) and its own socket; ours is
 * stopped by its PID in {@link #close()}. It runs in the host's network namespace, with Docker's default
 * bridge and NAT: the stage's container must reach the Debian mirror.
 */
final class LocalDocker implements AutoCloseable {
    static final Path DATA = Path.of("/var/lib/gantry-runbooks/docker");
    private static final String HOST_SOCKET = "/var/run/docker.sock";
    private static final Path OWN_SOCKET = Path.of("/run/gantry-runbooks-docker.sock");
    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    private static final Path CLIENT = Path.of("/usr/bin/docker");

    private final String socket;
    private final Process dockerd;
    private final String ipForwardBefore;

    private LocalDocker(String socket, Process dockerd, String ipForwardBefore) {
        this.socket = socket;
        this.dockerd = dockerd;
        this.ipForwardBefore = ipForwardBefore;
    }

    /** Why no engine can be had here: docker.io neither installed nor installable. */
    static Optional<String> unavailable() {
        if (Files.isExecutable(DOCKERD) || answers(HOST_SOCKET)) {
            return Optional.empty();
        }
        return Files.isExecutable(Path.of("/usr/bin/apt-get")) ? Optional.empty()
                : Optional.of("no dockerd and no apt-get to install docker.io");
    }

    static LocalDocker start() {
        if (answers(HOST_SOCKET)) {
            return new LocalDocker(HOST_SOCKET, null, null);
        }
        if (answers(OWN_SOCKET.toString())) {
            return new LocalDocker(OWN_SOCKET.toString(), null, null); // another run's engine: used, not stopped
        }
        installIfMissing();
        String ipForward = read(Path.of("/proc/sys/net/ipv4/ip_forward"));
        Process p;
        try {
            Files.createDirectories(DATA);
            p = new ProcessBuilder(DOCKERD.toString(), "--data-root", DATA.resolve("data").toString(),
                    "--exec-root", "/run/gantry-runbooks-docker", "--pidfile", "/run/gantry-runbooks-docker.pid",
                    "--host", "unix://" + OWN_SOCKET)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(DATA.resolve("dockerd.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dockerd: " + e.getMessage(), e);
        }
        LocalDocker engine = new LocalDocker(OWN_SOCKET.toString(), p, ipForward);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers(OWN_SOCKET.toString())) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                engine.close();
                throw new IllegalStateException("dockerd did not come up; see " + DATA.resolve("dockerd.log"));
            }
            sleep(200);
        }
        return engine;
    }

    private static void installIfMissing() {
        if (Files.isExecutable(DOCKERD)) {
            return;
        }
        // Debian's package would start its service where something can; policy-rc.d keeps it from doing so
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean made = false;
        try {
            if (!Files.exists(policy)) {
                Files.writeString(policy, "#!/bin/sh\nexit 101\n");
                policy.toFile().setExecutable(true);
                made = true;
            }
            HostCommand.run(Duration.ofMinutes(10), List.of("sh", "-c",
                    "DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io || "
                            + "{ apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io; }"))
                    .check("apt-get install docker.io");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (made) {
                policy.toFile().delete();
            }
        }
    }

    private static boolean answers(String socket) {
        return Files.exists(Path.of(socket)) && Files.isExecutable(CLIENT)
                && HostCommand.run(Duration.ofSeconds(10), List.of(CLIENT.toString(), "--host", "unix://" + socket, "version")).ok();
    }

    /** Runs the docker client against this engine. */
    HostCommand docker(Duration limit, String... args) {
        List<String> cmd = new ArrayList<>(List.of(CLIENT.toString(), "--host", "unix://" + socket));
        cmd.addAll(List.of(args));
        return HostCommand.run(limit, cmd);
    }

    HostCommand docker(String... args) {
        return docker(Duration.ofMinutes(2), args);
    }

    /** The client command line, for the runner to run blocks with. */
    List<String> client() {
        return List.of(CLIENT.toString(), "--host", "unix://" + socket);
    }

    @Override
    public void close() {
        if (dockerd == null) {
            return;
        }
        dockerd.toHandle().destroy(); // SIGTERM to the dockerd we started: it stops its containerd
        try {
            if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ipForwardBefore != null && ipForwardBefore.startsWith("0")) {
            try {
                Files.writeString(Path.of("/proc/sys/net/ipv4/ip_forward"), "0\n"); // dockerd turned it on
            } catch (IOException ignored) {
                // read-only /proc/sys: nothing to give back
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
