package io.gantry.agent.host;

import io.gantry.common.limits.NodeLimits;
import io.gantry.common.limits.OverprovisionRatios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads what this host can give a zone into a {@link NodeLimits}: MemTotal and SwapTotal from
 * {@code /proc/meminfo}, the usable space of the filesystem that holds {@code stateDir}, the CPUs the
 * JVM sees, and {@code /proc/sys/kernel/pid_max} and {@code threads-max}. A few small file reads and
 * one statvfs; done before each create or resize, so a zone is checked against the host as it is now.
 */
public final class HostLimits {
    private static final long MiB = 1024 * 1024;
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private HostLimits() {
    }

    public static NodeLimits read(Path stateDir, OverprovisionRatios ratios) {
        return new NodeLimits(meminfoMiB("MemTotal"), meminfoMiB("SwapTotal"), freeDiskMiB(stateDir),
                Runtime.getRuntime().availableProcessors(), kernelNumber("pid_max"), kernelNumber("threads-max"), ratios);
    }

    /** A {@code /proc/meminfo} field ("MemTotal:  16318012 kB") in MiB. */
    public static long meminfoMiB(String field) {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.trim().split("\\s+")[1]) / 1024;
                }
            }
            throw new IllegalStateException("/proc/meminfo has no " + field + " line");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/meminfo", e);
        }
    }

    /** The space an unprivileged writer could still use on the filesystem that holds {@code dir}, in MiB. */
    public static long freeDiskMiB(Path dir) {
        try {
            Files.createDirectories(dir);
            // one statvfs: Files.getFileStore would first read the whole mount table (a few lines per zone) to find
            // the filesystem's entry
            return dir.toFile().getUsableSpace() / MiB;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the free space of " + dir, e);
        }
    }

    /** A number in {@code /proc/sys/kernel}. Read by lines: JDK 17's Files.readString reads one byte of a procfs file here. */
    static long kernelNumber(String name) {
        Path file = Path.of("/proc/sys/kernel", name);
        try {
            return Long.parseLong(String.join("", Files.readAllLines(file)).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
