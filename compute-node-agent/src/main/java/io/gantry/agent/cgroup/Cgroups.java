package io.gantry.agent.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads zone cgroups straight from their files (no process per read) and removes the parent cgroup
 * runc leaves behind. Both layouts are handled: v1 (and hybrid, as on the nodes measured in
 * zones-on-linux.md) and unified v2; the v2 paths follow the kernel's documentation but are not
 * exercised on the v1 machines this project is tested on.
 */
public abstract class Cgroups {
    protected final Path root;

    protected Cgroups(Path root) {
        this.root = root;
    }

    public static Cgroups detect() {
        return detect(Path.of("/sys/fs/cgroup"));
    }

    public static Cgroups detect(Path root) {
        return Files.exists(root.resolve("cgroup.controllers")) ? new V2(root) : new V1(root);
    }

    public abstract String version();

    /**
     * Stats of the cgroup at {@code path} (as in config.json's cgroupsPath); a missing file reads as -1 (0 for event
     * counts).
     *
     * @throws UncheckedIOException when a file cannot be read or does not hold what the kernel writes there
     */
    public abstract CgroupStats read(String path);

    /** Every directory of that name in any hierarchy: what must be gone once the zone is. */
    public List<Path> existing(String path) {
        List<Path> found = new ArrayList<>();
        for (Path hierarchy : hierarchies()) {
            Path dir = hierarchy.resolve(path.substring(1));
            if (Files.isDirectory(dir)) {
                found.add(dir);
            }
        }
        return found;
    }

    /** Removes an empty cgroup directory in every hierarchy; a busy or non-empty one is left alone. */
    public void removeIfEmpty(String path) {
        for (Path dir : existing(path)) {
            try {
                Files.delete(dir);
            } catch (IOException e) {
                // still holds a zone, or processes: it stays
            }
        }
    }

    protected abstract List<Path> hierarchies();

    protected static long readLong(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.equals("max") ? -1 : number(file, text);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A counter as the kernel writes it: decimal digits that fit a long. */
    protected static long number(Path file, String text) {
        if (!text.isEmpty() && text.length() <= 20 && text.chars().allMatch(c -> c >= '0' && c <= '9' || c == '-')) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // below
            }
        }
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        throw new UncheckedIOException(new IOException(file + " holds '" + shown + "', not a number"));
    }

    /** The value on the line {@code key value} of a flat-keyed file, 0 if absent. */
    protected static long readKey(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && parts[0].equals(key)) {
                    return number(file, parts[1]);
                }
            }
            return 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final class V1 extends Cgroups {
        /** Limits beyond this are "no limit" in v1's byte counters (the kernel reports a page-rounded LONG_MAX). */
        private static final long UNLIMITED = Long.MAX_VALUE / 2;

        V1(Path root) {
            super(root);
        }

        @Override
        public String version() {
            return Files.isDirectory(root.resolve("unified")) ? "v1 (hybrid)" : "v1";
        }

        @Override
        public CgroupStats read(String path) {
            String rel = path.substring(1);
            Path memory = root.resolve("memory").resolve(rel);
            Path pids = root.resolve("pids").resolve(rel);
            long limit = readLong(memory.resolve("memory.limit_in_bytes"));
            return new CgroupStats(
                    readLong(root.resolve("cpuacct").resolve(rel).resolve("cpuacct.usage")),
                    readLong(memory.resolve("memory.usage_in_bytes")),
                    readLong(memory.resolve("memory.max_usage_in_bytes")),
                    limit >= UNLIMITED ? -1 : limit,
                    // failcnt stays 0 on these kernels even at the limit; oom_kill is the reliable signal
                    readKey(memory.resolve("memory.oom_control"), "oom_kill"),
                    readLong(pids.resolve("pids.current")),
                    readLong(pids.resolve("pids.max")),
                    readKey(pids.resolve("pids.events"), "max"),
                    readLong(root.resolve("cpu").resolve(rel).resolve("cpu.cfs_quota_us")));
        }

        @Override
        protected List<Path> hierarchies() {
            List<Path> dirs = new ArrayList<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path p : entries) {
                    if (Files.isDirectory(p) && !Files.isSymbolicLink(p)) {
                        dirs.add(p);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dirs;
        }
    }

    static final class V2 extends Cgroups {
        V2(Path root) {
            super(root);
        }

        @Override
        public String version() {
            return "v2";
        }

        @Override
        public CgroupStats read(String path) {
            Path dir = root.resolve(path.substring(1));
            long quota = -1;
            try {
                String[] max = Files.readString(dir.resolve("cpu.max")).strip().split(" ");
                quota = max[0].equals("max") ? -1 : number(dir.resolve("cpu.max"), max[0]);
            } catch (IOException e) {
                // no cpu controller: no quota
            }
            return new CgroupStats(
                    readKey(dir.resolve("cpu.stat"), "usage_usec") * 1000,
                    readLong(dir.resolve("memory.current")),
                    readLong(dir.resolve("memory.peak")),
                    readLong(dir.resolve("memory.max")),
                    readKey(dir.resolve("memory.events"), "oom_kill"),
                    readLong(dir.resolve("pids.current")),
                    readLong(dir.resolve("pids.max")),
                    readKey(dir.resolve("pids.events"), "max"),
                    quota);
        }

        @Override
        protected List<Path> hierarchies() {
            return List.of(root);
        }
    }
}
