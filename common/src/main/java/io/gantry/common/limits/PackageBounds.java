package io.gantry.common.limits;

import io.gantry.common.GantryException;
import io.gantry.common.Package;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a zone of a package fits one node: its memory, swap and disk within what the node has
 * times its overprovision ratios, its CPU cap and vCPUs within the node's CPUs (Triton's rule, DAPI's
 * hard-filter-min-cpu: a cap is percent of one CPU and may not exceed the server's 100 per CPU; Gantry
 * has no CPU overprovision ratio), its lwps within the kernel's
 * {@code pid_max} and {@code threads-max}. The type's own range (and the smallest sizes runc and
 * mkfs.ext4 accept) is checked when the {@link Package} is made.
 *
 * <p>Pure: the node's figures come in a {@link NodeLimits}, read by the agent.
 */
public final class PackageBounds {
    private PackageBounds() {
    }

    /** The first limit {@code pkg} breaks on {@code node}, as one line, or empty when it fits. */
    public static Optional<String> check(Package pkg, NodeLimits node) {
        return check(pkg, 0, node);
    }

    /**
     * As {@link #check(Package, NodeLimits)} for a zone that already holds {@code diskHeldMiB} of the
     * node's disk (a resize): only the growth must be free.
     */
    public static Optional<String> check(Package pkg, long diskHeldMiB, NodeLimits node) {
        OverprovisionRatios r = node.ratios();
        if (pkg.memoryMiB() > node.usableMemoryMiB()) {
            return Optional.of("memory " + asked(pkg.memoryMiB()) + " exceeds this node's memory ("
                    + size(node.memoryMiB()) + " × overprovision " + r.memory() + ")");
        }
        if (pkg.swapMiB() > node.usableSwapMiB()) {
            return Optional.of("swap " + asked(pkg.swapMiB()) + " exceeds this node's memory plus swap space ("
                    + size(node.memoryMiB()) + " + " + size(node.swapSpaceMiB()) + " × overprovision " + r.memory() + ")");
        }
        long growth = pkg.diskMiB() - Math.min(Math.max(diskHeldMiB, 0), pkg.diskMiB());
        if (growth > node.usableDiskMiB()) {
            String held = diskHeldMiB > 0 ? " on top of the " + size(diskHeldMiB) + " the zone holds" : "";
            return Optional.of("disk " + asked(pkg.diskMiB()) + " exceeds this node's free disk (" + size(node.freeDiskMiB())
                    + " × overprovision " + r.disk() + held + ")");
        }
        long maxCap = Math.multiplyExact((long) node.cpus(), 100L);
        if (pkg.cpuCap() > maxCap) {
            return Optional.of("cpu_cap " + pkg.cpuCap() + " exceeds this node's " + node.cpus() + " CPUs (at most " + maxCap + ")");
        }
        if (pkg.vcpus() > node.cpus()) {
            return Optional.of("vcpus " + pkg.vcpus() + " exceeds this node's " + node.cpus() + " CPUs");
        }
        if (pkg.lwps() > node.pidMax()) {
            return Optional.of("lwps " + pkg.lwps() + " exceeds this node's kernel.pid_max (" + node.pidMax() + ")");
        }
        if (pkg.lwps() > node.threadsMax()) {
            return Optional.of("lwps " + pkg.lwps() + " exceeds this node's kernel.threads-max (" + node.threadsMax() + ")");
        }
        return Optional.empty();
    }

    /** Throws the first broken limit as an {@code InvalidArgument}. */
    public static void require(Package pkg, long diskHeldMiB, NodeLimits node) {
        check(pkg, diskHeldMiB, node).ifPresent(why -> {
            throw GantryException.invalid(why);
        });
    }

    /** The figure as given, in MiB, and for people too when it is 1 GiB or more: "102400000 MiB (97.7 TiB)". */
    static String asked(long mib) {
        return mib < 1024 ? mib + " MiB" : mib + " MiB (" + size(mib) + ")";
    }

    /** A size for people: MiB below 1 GiB, else GiB or TiB with one decimal. */
    static String size(long mib) {
        if (mib < 1024) {
            return mib + " MiB";
        }
        if (mib < 1024L * 1024) {
            return String.format(Locale.ROOT, "%.1f GiB", mib / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f TiB", mib / (1024.0 * 1024));
    }
}
