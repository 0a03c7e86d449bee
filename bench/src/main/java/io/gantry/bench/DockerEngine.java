package io.gantry.bench;

import io.gantry.agent.cgroup.Cgroups;
import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Docker engine of the benchmark's own: dockerd with its data, exec root and socket under the
 * work dir, inside a network namespace made for it (so its docker0 bridge and iptables rules never
 * touch the host's), containers under their own cgroup parent. Stopped by its PID.
 */
final class DockerEngine implements AutoCloseable {
    static final String NETNS = "gantry-bench-docker";
    static final String CGROUP_PARENT = "/gantry-bench-docker";

    private final Path dir;
    private final Path socket;
    private final String client;
    private Process dockerd;

    private DockerEngine(Path dir, String client) {
        this.dir = dir;
        this.socket = dir.resolve("docker.sock");
        this.client = client;
    }

    /** Why no engine can run here, if none can: dockerd or the client is not installed. */
    static Optional<String> whyUnavailable() {
        if (!Files.isExecutable(Path.of("/usr/sbin/dockerd"))) {
            return Optional.of("dockerd is not installed (apt-get install docker.io; bench/run.sh does it)");
        }
        return Optional.empty();
    }

    static DockerEngine start(Path workDir) {
        // The client that came with the engine, whatever other docker is first on the PATH.
        String client = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
        DockerEngine engine = new DockerEngine(workDir.resolve("docker"), client);
        try {
            engine.launch();
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    private void launch() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cmd.run("ip", "netns", "del", NETNS);
        Cmd.check("ip", "netns", "add", NETNS);
        Cmd.check("ip", "-n", NETNS, "link", "set", "lo", "up");
        try {
            Path log = dir.resolve("dockerd.log");
            dockerd = new ProcessBuilder("nsenter", "--net=/run/netns/" + NETNS, "/usr/sbin/dockerd",
                    "--data-root", dir.resolve("data").toString(),
                    "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("dockerd.pid").toString(),
                    "--host", "unix://" + socket,
                    "--cgroup-parent", CGROUP_PARENT)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(log.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw GantryException.internal("cannot start dockerd: " + e.getMessage());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!docker("version").ok()) {
            if (!dockerd.isAlive() || System.nanoTime() > deadline) {
                throw GantryException.internal("dockerd did not come up; see " + dir.resolve("dockerd.log"));
            }
            sleep(200);
        }
    }

    /** Runs the docker client against this engine. */
    Cmd.Result docker(String... args) {
        List<String> cmd = new ArrayList<>(List.of(client, "--host", "unix://" + socket));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd);
    }

    String version() {
        return docker("version", "--format", "{{.Server.Version}}").stdout().strip();
    }

    @Override
    public void close() {
        if (dockerd != null && dockerd.isAlive()) {
            Cmd.Result ids = docker("ps", "-aq");
            if (ids.ok() && !ids.stdout().isBlank()) {
                List<String> rm = new ArrayList<>(List.of("rm", "-f"));
                rm.addAll(List.of(ids.stdout().strip().split("\\s+")));
                docker(rm.toArray(String[]::new));
            }
            dockerd.toHandle().destroy(); // SIGTERM to the PID we started: dockerd stops its containerd
            try {
                if (!dockerd.waitFor(30, TimeUnit.SECONDS)) {
                    dockerd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Cmd.run("ip", "netns", "del", NETNS);
        Cgroups.detect().removeIfEmpty(CGROUP_PARENT);
        Cmd.run("rm", "-rf", "--one-file-system", dir.toString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted");
        }
    }
}
