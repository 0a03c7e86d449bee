package io.gantry.cluster;

import io.gantry.testkit.docker.HostCommand;
import io.gantry.testkit.docker.LocalDocker;
import io.gantry.testkit.docker.LoopDevices;
import java.time.Duration;
import java.util.regex.Pattern;
import org.testcontainers.containers.GenericContainer;

/**
 * One host of the cluster: a container on the cluster's network under its short name ({@code cn1}, {@code api2},
 * {@code zk3}…), and the faults a test can do to it with the engine's client: kill, pause, cut off the network,
 * and bring it back. {@link #ready} is the line the host prints when it serves, so a restarted host is awaited
 * by counting that line in its log.
 */
public final class ClusterHost {
    private final String name;
    private final GenericContainer<?> container;
    private final Pattern ready;
    private final LocalDocker docker;
    private final String network;
    private java.nio.file.Path disks;
    private String address;

    ClusterHost(String name, GenericContainer<?> container, String ready, LocalDocker docker, String network) {
        this.name = name;
        this.container = container;
        this.ready = Pattern.compile(ready);
        this.docker = docker;
        this.network = network;
    }

    public String name() {
        return name;
    }

    /** The Docker container's name. */
    public String containerName() {
        return container.getContainerName().replaceFirst("^/", "");
    }

    GenericContainer<?> container() {
        return container;
    }

    /** SIGKILL to the container's init: the host and everything on it (its zones too) die at once. */
    public void kill() {
        java.util.Set<String> attachable = new java.util.HashSet<>(disks == null ? java.util.Set.of() : LoopDevices.inodesUnder(disks));
        docker.docker("kill", containerName()).check("docker kill " + name);
        if (disks != null) {
            // docker kill returns once the signal is sent: a loop attach in flight then still completes. Once the
            // container has stopped, none is; a disk made just before the kill is listed too (files stay until a restart)
            docker.docker(Duration.ofSeconds(30), "wait", containerName());
            attachable.addAll(LoopDevices.inodesUnder(disks));
        }
        LoopDevices.detachAttachedTo(attachable);
    }

    /** A compute node: the host directory behind its zones' disks, whose loop devices a kill leaves attached. */
    void keepsDisksIn(java.nio.file.Path dir) {
        this.disks = dir;
    }

    /** Freezes every process of the host (docker pause): alive, but silent. */
    public void pause() {
        docker.docker("pause", containerName()).check("docker pause " + name);
    }

    public void unpause() {
        docker.docker("unpause", containerName()).check("docker unpause " + name);
    }

    /** Takes the host off the cluster's network: it runs on, reaching no one. */
    public void disconnect() {
        address = address();
        docker.docker("network", "disconnect", network, containerName()).check("docker network disconnect " + name);
    }

    /** Puts it back with its address and name. */
    public void reconnect() {
        docker.docker("network", "connect", "--ip", address, "--alias", name, network, containerName())
                .check("docker network connect " + name);
    }

    /** Starts a killed host again (same file system; /run and /tmp are empty as after a reboot) and waits until it serves. */
    public void restart(Duration limit) {
        int before = readyLines();
        docker.docker("start", containerName()).check("docker start " + name);
        awaitReady(before + 1, limit);
    }

    /** {@link #restart} if the host is not running (a heal that may find nothing to do). */
    public void startIfStopped(Duration limit) {
        if (!running()) {
            restart(limit);
        }
    }

    /** Whether {@link #pause} froze it and nothing thawed it yet. */
    public boolean paused() {
        return docker.docker("inspect", "-f", "{{.State.Paused}}", containerName()).output().strip().equals("true");
    }

    /** Whether {@link #disconnect} took it off the network and it is not back. */
    public boolean disconnected() {
        return address != null && !docker.docker("inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}",
                containerName()).output().contains(network);
    }

    public boolean running() {
        return docker.docker("inspect", "-f", "{{.State.Running}}", containerName()).output().strip().equals("true");
    }

    /** Runs a command on the host (docker exec), within the limit; its output and status. */
    public HostCommand exec(Duration limit, String... command) {
        String[] args = new String[command.length + 2];
        args[0] = "exec";
        args[1] = containerName();
        System.arraycopy(command, 0, args, 2, command.length);
        return docker.docker(limit, args);
    }

    /**
     * The port on 127.0.0.1 that Docker publishes the host's {@code port} on, as it is now: a restarted container
     * gets a new one, which the container's start-time description would not say.
     */
    public int publishedPort(int port) {
        String out = docker.docker("port", containerName(), port + "/tcp").check("docker port " + name).strip();
        String first = out.lines().findFirst().orElseThrow(() -> new IllegalStateException(name + " publishes no port " + port));
        return Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    }

    /** The host's log so far (stdout and stderr). */
    public String log() {
        return docker.docker("logs", containerName()).output();
    }

    String address() {
        return docker.docker("inspect", "-f", "{{(index .NetworkSettings.Networks \"" + network + "\").IPAddress}}", containerName())
                .check("docker inspect " + name).strip();
    }

    private int readyLines() {
        return (int) log().lines().filter(l -> ready.matcher(l).find()).count();
    }

    private void awaitReady(int lines, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (readyLines() < lines) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not print /" + ready + "/ within " + limit.toSeconds() + " s");
            }
            Pause.millis(250);
        }
    }
}
