package io.gantry.agent.host;

import io.gantry.agent.cgroup.Cgroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which of the mechanisms real zones need work on this host, and what to do about those that
 * don't. Cheap: it reads files and looks for binaries; it starts nothing but {@code runc --version}.
 */
public final class HostProbe {
    public static final String PACKAGES = "runc iproute2 nftables e2fsprogs busybox-static";

    public record Check(String name, boolean ok, String detail, String fix) {
    }

    public record Report(List<Check> checks) {
        public boolean readyForRunc() {
            return checks.stream().allMatch(Check::ok);
        }

        public List<Check> failures() {
            return checks.stream().filter(c -> !c.ok()).toList();
        }

        /** One line a person can act on, or null when everything works. */
        public String advice() {
            if (readyForRunc()) {
                return null;
            }
            StringBuilder s = new StringBuilder("real zones need: ");
            for (Check c : failures()) {
                s.append(c.name()).append(" (").append(c.fix()).append("); ");
            }
            return s.append("or run with --backend simulated for an in-memory stand-in").toString();
        }
    }

    private HostProbe() {
    }

    public static Report run() {
        List<Check> checks = new ArrayList<>();
        boolean root = isRoot();
        checks.add(new Check("root", root, root ? "uid 0" : "not root", "run as root, e.g. with sudo"));
        boolean runc = Cmd.onPath("runc");
        String runcVersion = runc ? Cmd.run("runc", "--version").stdout().lines().findFirst().orElse("runc") : "not found";
        checks.add(new Check("runc", runc, runcVersion, "apt-get install runc"));
        checks.add(new Check("cgroups", true, Cgroups.detect().version(), ""));
        boolean overlay = readable("/proc/filesystems") && contains("/proc/filesystems", "overlay");
        checks.add(new Check("overlay", overlay, overlay ? "overlayfs available" : "no overlayfs in /proc/filesystems", "load the overlay module"));
        boolean loop = Files.exists(Path.of("/dev/loop-control"));
        checks.add(new Check("loop", loop, loop ? "/dev/loop-control" : "no /dev/loop-control", "load the loop module"));
        boolean ip = Cmd.onPath("ip");
        checks.add(new Check("netns", ip, ip ? "ip netns" : "no ip command", "apt-get install iproute2"));
        boolean nft = Cmd.onPath("nft");
        checks.add(new Check("nft", nft, nft ? "nftables" : "no nft command", "apt-get install nftables"));
        boolean mkfs = Cmd.onPath("mkfs.ext4") && Cmd.onPath("resize2fs");
        checks.add(new Check("ext4", mkfs, mkfs ? "mkfs.ext4, resize2fs" : "no mkfs.ext4", "apt-get install e2fsprogs"));
        boolean busybox = Files.isExecutable(Path.of("/bin/busybox"));
        checks.add(new Check("busybox", busybox, busybox ? "/bin/busybox" : "no /bin/busybox", "apt-get install busybox-static"));
        return new Report(checks);
    }

    /**
     * Why tests that need real zones cannot run here, or empty if they can. They are skipped on
     * purpose with {@code -Dgantry.zones.skip=true}.
     */
    public static java.util.Optional<String> whyNoRealZones() {
        if (Boolean.getBoolean("gantry.zones.skip")) {
            return java.util.Optional.of("real-zone tests skipped: -Dgantry.zones.skip=true");
        }
        Report report = run();
        return report.readyForRunc() ? java.util.Optional.empty() : java.util.Optional.of("real-zone tests skipped: " + report.advice());
    }

    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }

    private static boolean readable(String file) {
        return Files.isReadable(Path.of(file));
    }

    private static boolean contains(String file, String text) {
        try {
            return Files.readString(Path.of(file)).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
