package io.gantry.agent.runc;

import io.gantry.common.Package;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a zone's OCI runtime config (config.json). Pure: the same zone gives the same document.
 *
 * <p>What matters for isolation: its own pid, mount, ipc and uts namespaces and the network
 * namespace the agent made; no CAP_NET_ADMIN or CAP_SYS_ADMIN, so the zone cannot change its own
 * network or mounts; an absolute cgroupsPath (a relative one puts the memory cgroup under the
 * agent's own); and {@link ZoneInit} as process 1, because zombies count against the pids limit until reaped.
 */
public final class OciSpec {
    public static final String INIT_PATH = "/.gantry-init";
    /**
     * Files Gantry bind-mounts into every zone (runc leaves an empty file in the zone's root as each mount point):
     * never part of an image made from a zone ({@code ZoneRootExport}). Whoever adds a bind mount adds its path here.
     */
    public static final List<String> ZONE_MOUNTED_FILES = java.util.stream.Stream.concat(
            java.util.stream.Stream.of(INIT_PATH, ZoneMdata.CONTROL_DIR),
            ZoneMdata.TOOLS.stream().map(tool -> "/usr/sbin/" + tool)).toList();
    /** The zone's PATH: where its shell finds {@code sleep} and the rest. */
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Where runc mounts the kernel's file systems: each must be a real directory of the image, or absent. */
    public static final List<String> KERNEL_MOUNTS = List.of("/proc", "/dev", "/sys");
    /** Keeps the zone alive, exits cleanly on SIGTERM (the zone's init forwards it), and reaps what it starts. */
    public static final List<String> IDLE_COMMAND = List.of("/bin/sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done");

    /** Docker's default set without NET_ADMIN: enough for ping, package managers and daemons. */
    static final List<String> CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    private OciSpec() {
    }

    static Map<String, Object> build(ZoneLayout zone, String hostname, Package pkg, Path initBinary) {
        return build(zone.rootfs(), false, hostname, pkg, initBinary, zone.cgroupsPath(), netnsPath(zone));
    }

    /** Where the zone's config has runc find its network namespace. */
    static String netnsPath(ZoneLayout zone) {
        return "/run/netns/" + zone.netns();
    }

    /** A zone's document with the metadata socket, the mdata tools and the user-script at boot ({@link ZoneMdata}). */
    static Map<String, Object> build(ZoneLayout zone, String hostname, Package pkg, Path initBinary, Path mdataTool) {
        return ZoneMdata.addTo(build(zone, hostname, pkg, initBinary), zone.metadataDir(), mdataTool);
    }

    /**
     * The same document for any root and network namespace; {@code netnsPath} null gives the
     * container a new empty one. The benchmark's floor uses this with a shared read-only root.
     */
    public static Map<String, Object> build(Path rootfs, boolean readonlyRoot, String hostname, Package pkg, Path initBinary,
                                            String cgroupsPath, String netnsPath) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("ociVersion", "1.0.2");
        spec.put("process", Map.of(
                "terminal", false,
                "user", Map.of("uid", 0, "gid", 0),
                "args", concat(List.of(INIT_PATH, "--"), IDLE_COMMAND),
                "env", List.of("PATH=" + PATH, "HOME=/root", "TERM=xterm"),
                "cwd", "/",
                "capabilities", Map.of(
                        "bounding", CAPABILITIES, "effective", CAPABILITIES, "permitted", CAPABILITIES),
                "rlimits", List.of(Map.of("type", "RLIMIT_NOFILE", "hard", 4096, "soft", 4096)),
                "noNewPrivileges", false));
        spec.put("root", Map.of("path", rootfs.toAbsolutePath().toString(), "readonly", readonlyRoot));
        spec.put("hostname", hostname);
        spec.put("mounts", List.of(
                mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")),
                mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
                mount("/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
                mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
                mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
                mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
                mount("/sys/fs/cgroup", "cgroup", "cgroup", List.of("nosuid", "noexec", "nodev", "relatime", "ro")),
                mount(INIT_PATH, "bind", initBinary.toAbsolutePath().toString(), List.of("bind", "ro", "nosuid", "nodev"))));
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("shares", 1024);
        cpu.put("period", Package.CPU_PERIOD_MICROS);
        cpu.put("quota", pkg.cpuQuotaMicros());
        spec.put("linux", Map.of(
                "resources", Map.of(
                        "devices", List.of(Map.of("allow", false, "access", "rwm")),
                        "memory", Map.of("limit", pkg.memoryBytes(), "swap", pkg.swapBytes()),
                        "cpu", cpu,
                        "pids", Map.of("limit", pkg.lwps())),
                "cgroupsPath", cgroupsPath,
                "namespaces", List.of(
                        Map.of("type", "pid"),
                        Map.of("type", "ipc"),
                        Map.of("type", "uts"),
                        Map.of("type", "mount"),
                        netnsPath == null ? Map.of("type", "network") : Map.of("type", "network", "path", netnsPath)),
                "maskedPaths", List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi"),
                "readonlyPaths", List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")));
        return spec;
    }

    static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
        return Map.of("destination", destination, "type", type, "source", source, "options", options);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
