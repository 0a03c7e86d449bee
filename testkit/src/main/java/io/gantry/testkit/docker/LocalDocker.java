package io.gantry.testkit.docker;

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
 * A Docker engine for tests: a dockerd of ours (Debian's docker.io, installed with apt-get when missing) named
 * for its user ({@code gantry-<name>}), with its data under {@code /var/lib/gantry-<name>/docker} (kept between
 * runs, so images are built once), its own socket {@code /run/gantry-<name>-docker.sock} and pid file. Ours is
 * stopped by its PID in {@link #close()}; one that another run of the same user left answering is used and left
 * running. {@link #hostOrOwn} prefers the host's own engine when one answers on the usual socket.
 */
public final class LocalDocker implements AutoCloseable {
    private static final String HOST_SOCKET = "/var/run/docker.sock";
    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    private static final Path CLIENT = Path.of("/usr/bin/docker");

    private final String socket;
    private final Process dockerd;
    private final String ipForwardBefore;
    private final Path execRoot; // ours only

    private LocalDocker(String socket, Process dockerd, String ipForwardBefore, Path execRoot) {
        this.socket = socket;
        this.dockerd = dockerd;
        this.ipForwardBefore = ipForwardBefore;
        this.execRoot = execRoot;
    }

    /** Why no engine can be had here: docker.io neither installed nor installable. */
    public static Optional<String> unavailable() {
        if (Files.isExecutable(DOCKERD) || answers(HOST_SOCKET)) {
            return Optional.empty();
        }
        return Files.isExecutable(Path.of("/usr/bin/apt-get")) ? Optional.empty()
                : Optional.of("no dockerd and no apt-get to install docker.io");
    }

    /** The data directory of the engine named {@code name}: {@code /var/lib/gantry-<name>/docker}. */
    public static Path dataOf(String name) {
        return Path.of("/var/lib/gantry-" + name, "docker");
    }

    /** The socket of the engine named {@code name}, as a DOCKER_HOST value. */
    public static String dockerHostOf(String name) {
        return "unix://" + socketOf(name);
    }

    /** The host's engine if one answers, else ours with Docker's default bridge and NAT. */
    public static LocalDocker hostOrOwn(String name) {
        return answers(HOST_SOCKET) ? new LocalDocker(HOST_SOCKET, null, null, null) : own(name, List.of());
    }

    /** Our engine named {@code name}, started with these extra dockerd options unless it already answers. */
    public static LocalDocker own(String name, List<String> options) {
        String socket = socketOf(name).toString();
        if (answers(socket)) {
            return new LocalDocker(socket, null, null, null); // another run's engine: used, not stopped
        }
        installIfMissing();
        Path data = dataOf(name);
        Path execRoot = Path.of("/run/gantry-" + name + "-docker");
        String ipForward = read(Path.of("/proc/sys/net/ipv4/ip_forward"));
        Process p;
        try {
            Files.createDirectories(data);
            List<String> cmd = new ArrayList<>(List.of(DOCKERD.toString(), "--data-root", data.resolve("data").toString(),
                    "--exec-root", execRoot.toString(), "--pidfile", "/run/gantry-" + name + "-docker.pid",
                    "--host", "unix://" + socket));
            cmd.addAll(options);
            p = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(data.resolve("dockerd.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start dockerd: " + e.getMessage(), e);
        }
        LocalDocker engine = new LocalDocker(socket, p, ipForward, execRoot);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!answers(socket)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                engine.close();
                throw new IllegalStateException("dockerd did not come up; see " + data.resolve("dockerd.log"));
            }
            sleep(200);
        }
        return engine;
    }

    private static Path socketOf(String name) {
        return Path.of("/run/gantry-" + name + "-docker.sock");
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
    public HostCommand docker(Duration limit, String... args) {
        List<String> cmd = new ArrayList<>(client());
        cmd.addAll(List.of(args));
        return HostCommand.run(limit, cmd);
    }

    public HostCommand docker(String... args) {
        return docker(Duration.ofMinutes(2), args);
    }

    /** The client command line, for running it in a pipeline or from another runner. */
    public List<String> client() {
        return List.of(CLIENT.toString(), "--host", "unix://" + socket);
    }

    /** This engine's socket as a DOCKER_HOST value. */
    public String dockerHost() {
        return "unix://" + socket;
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
        unmountUnder(execRoot);
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

    /**
     * dockerd leaves its pin of the host's network namespace ({@code netns/default}) mounted under its exec root once
     * it has stopped; it goes with the engine, deepest mount first.
     */
    private static void unmountUnder(Path dir) {
        List<String> points;
        try {
            points = Files.readAllLines(Path.of("/proc/self/mounts")).stream()
                    .map(line -> line.split(" ")[1])
                    .filter(point -> point.startsWith(dir + "/"))
                    .sorted(java.util.Comparator.reverseOrder())
                    .toList();
        } catch (IOException e) {
            return; // no /proc: nothing known to unmount
        }
        for (String point : points) {
            try {
                Process umount = new ProcessBuilder("umount", "-l", point).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!umount.waitFor(10, TimeUnit.SECONDS)) {
                    umount.destroyForcibly();
                }
            } catch (IOException e) {
                return; // no umount: the mount stays, as before
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
