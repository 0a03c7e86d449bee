package io.gantry.runbooks;

import io.gantry.testkit.docker.Capabilities;
import io.gantry.testkit.docker.DebianMirror;
import io.gantry.testkit.docker.HostCommand;
import io.gantry.testkit.docker.LocalDocker;
import io.gantry.testkit.docker.LoopDevices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code debian} stage: a Debian 12 machine with systemd as PID 1, which is a Docker container here
 * (this machine's own init is not systemd). The container gets what a real machine has and a default
 * container lacks: every capability this host has, cgroups writable, loop devices, a real file system
 * (not overlayfs) under /var/lib/gantry for zones, tmpfs on /run and /tmp. It reaches the Debian mirror
 * only: the mirror's name is pinned in /etc/hosts, there is no DNS, and the host drops anything else it
 * sends. The release (platform/target/gantry.jar, its lib/ and packaging/systemd/) is copied to
 * {@code $GANTRY_RELEASE} as an operator unpacks a release; blocks run with {@code docker exec} as root.
 * Started at the first {@link #environment()} or {@link #command(Path)}; {@link #close()} removes the
 * container, detaches the loop devices of zones' disks it left, and stops the dockerd it started.
 */
public final class DebianStage implements RunbookStage {
    static final String RELEASE = "/root/gantry-release";
    private static final Path APT_CACHE = Path.of("/var/lib/gantry-runbooks/apt-archives");
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Path work;
    private final String name = "gantry-runbook-" + UUID.randomUUID().toString().substring(0, 8);
    private LocalDocker docker;
    private Path machineDisk;
    private HostFirewall firewall;
    private boolean started;

    public DebianStage(Path work) {
        this.work = work.toAbsolutePath();
    }

    @Override
    public Optional<String> unavailable() {
        if (Boolean.getBoolean("gantry.zones.skip")) {
            return Optional.of("the debian stage runs real zones: skipped with -Dgantry.zones.skip=true");
        }
        if (!isRoot()) {
            return Optional.of("the debian stage needs root (a privileged container with systemd)");
        }
        Optional<Path> repo = Repository.root();
        if (repo.isEmpty()) {
            return Optional.of("the debian stage needs the built launcher: platform/target/gantry.jar (build with -am)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/debootstrap"))) {
            return Optional.of("the debian stage needs debootstrap (apt-get install debootstrap)");
        }
        return LocalDocker.unavailable().or(DebianMirror::unreachable);
    }

    @Override
    public Map<String, String> environment() {
        start();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("HOME", "/root");
        env.put("LANG", "C.UTF-8");
        env.put("RUNBOOK_WORK", work.toString());
        env.put("GANTRY_RELEASE", RELEASE);
        return env;
    }

    @Override
    public List<String> command(Path script) {
        start();
        Path file = script.toAbsolutePath();
        if (!file.startsWith(work)) {
            // only the work directory is shared with the machine: give it the script at the same path
            docker.docker("exec", name, "mkdir", "-p", file.getParent().toString()).check("mkdir in the machine");
            docker.docker("cp", file.toString(), name + ":" + file).check("copy the block into the machine");
        }
        List<String> cmd = new ArrayList<>(docker.client());
        cmd.addAll(List.of("exec", "-w", work.toString()));
        environment().forEach((k, v) -> cmd.addAll(List.of("-e", k + "=" + v)));
        cmd.addAll(List.of(name, "bash", "-euo", "pipefail", file.toString()));
        return cmd;
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        Path repo = Repository.root().orElseThrow(() -> new IllegalStateException("platform/target/gantry.jar is not built"));
        try {
            docker = LocalDocker.hostOrOwn("runbooks");
            String image = DebianImage.ensure(docker);
            Files.createDirectories(APT_CACHE);
            Files.createDirectories(work);
            machineDisk = Files.createTempDirectory(Path.of("/var/tmp"), "gantry-runbook-disk");
            docker.docker(Duration.ofMinutes(2), run(image).toArray(String[]::new)).check("docker run " + image);
            // systemd's own start, then what a real machine's udev would have made (loop device nodes), and
            // dpkg without fsync as Debian's own container images have it: this machine lives for one runbook
            docker.docker(Duration.ofSeconds(90), "exec", name, "sh", "-c",
                    "systemctl is-system-running --wait >/dev/null || true;"
                            + " for i in $(seq 0 255); do [ -e /dev/loop$i ] || mknod -m 660 /dev/loop$i b 7 $i; done;"
                            + " echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/docker-apt-speedup")
                    .check("wait for systemd");
            firewall = HostFirewall.mirrorOnly(address());
            copyRelease(repo);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private List<String> run(String image) {
        List<String> cmd = new ArrayList<>(List.of("run", "-d", "--name", name, "--hostname", "gantry-1",
                // all the capabilities this host has (here it may lack some, which --privileged would ask for)
                "--cap-add", "ALL"));
        for (String missing : Capabilities.missingOnHost()) {
            cmd.addAll(List.of("--cap-drop", missing));
        }
        cmd.addAll(List.of("--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                "--security-opt", "systempaths=unconfined",
                "--device", "/dev/loop-control", "--device-cgroup-rule", "b 7:* rmw", "--device-cgroup-rule", "c 10:237 rmw",
                "--cgroupns", "host", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                "--tmpfs", "/run", "--tmpfs", "/run/lock", "--tmpfs", "/tmp",
                "-v", machineDisk + ":/var/lib/gantry",
                "-v", APT_CACHE + ":/var/cache/apt/archives",
                "-v", work + ":" + work,
                "--dns", "127.0.0.1"));
        for (String host : DebianMirror.hosts()) {
            cmd.addAll(List.of("--add-host", host + ":" + DebianMirror.address(host)));
        }
        cmd.addAll(List.of("-e", "container=docker", "--stop-signal", "SIGRTMIN+3", image, "/sbin/init"));
        return cmd;
    }

    private String address() {
        return docker.docker("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name)
                .check("docker inspect").strip();
    }

    private void copyRelease(Path repo) {
        docker.docker("exec", name, "mkdir", "-p", RELEASE).check("mkdir " + RELEASE);
        Path target = repo.resolve("platform/target");
        docker.docker("cp", target.resolve("gantry.jar").toString(), name + ":" + RELEASE + "/gantry.jar").check("copy gantry.jar");
        docker.docker("cp", target.resolve("lib").toString(), name + ":" + RELEASE + "/lib").check("copy lib/");
        docker.docker("cp", repo.resolve("packaging/systemd").toString(), name + ":" + RELEASE + "/systemd").check("copy the systemd units");
    }

    @Override
    public synchronized void close() {
        if (Boolean.getBoolean("gantry.runbooks.keep") && docker != null) {
            // to look into a failed runbook: docker -H unix:///run/gantry-runbooks-docker.sock exec -it NAME bash
            System.out.println("debian stage kept (-Dgantry.runbooks.keep=true): container " + name + ", its firewall rules and dockerd");
            return;
        }
        // zones' disks a failed runbook left running stay attached to loop devices when the machine goes
        Set<String> disks = machineDisk == null ? Set.of() : LoopDevices.inodesUnder(machineDisk);
        try {
            if (docker != null) {
                docker.docker("rm", "-f", "-v", name);
            }
            LoopDevices.detachAttachedTo(disks);
        } finally {
            if (firewall != null) {
                firewall.close();
            }
            if (docker != null) {
                docker.close();
            }
            if (machineDisk != null) {
                HostCommand.run("rm", "-rf", "--one-file-system", machineDisk.toString());
            }
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }
}
