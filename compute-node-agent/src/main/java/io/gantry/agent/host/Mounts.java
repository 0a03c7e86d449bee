package io.gantry.agent.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the host's mount table. */
public final class Mounts {
    private Mounts() {
    }

    /** Every mount point of this process's mount namespace, with octal escapes decoded. */
    public static List<Path> mountPoints() {
        try {
            List<Path> points = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] fields = line.split(" ");
                if (fields.length > 4) {
                    points.add(Path.of(unescape(fields[4])));
                }
            }
            return points;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static boolean isMounted(Path point) {
        Path abs = point.toAbsolutePath().normalize();
        return mountPoints().contains(abs);
    }

    /**
     * Whether {@code dir} is a mount point, from two stats (its device differs from its parent's): no read of the mount
     * table, which holds a few lines per zone. Right for what zones mount (a loop disk, an overlay); a bind mount of a
     * directory of the same filesystem would read as not mounted, and none is made on these paths.
     */
    public static boolean isMountPoint(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (abs.getParent() == null) {
            return true;
        }
        try {
            Object dev = Files.getAttribute(abs, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            return !dev.equals(Files.getAttribute(abs.getParent(), "unix:dev"));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The device number (st_dev) of the filesystem {@code path} is on. */
    public static long deviceOf(Path path) {
        try {
            return ((Number) Files.getAttribute(path, "unix:dev")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mount points at or below {@code dir}. */
    public static List<Path> below(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return mountPoints().stream().filter(p -> p.startsWith(abs)).toList();
    }

    /** Decodes the kernel's {@code \\ooo} escapes (space, tab, newline, backslash); anything else is kept as it is. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && octal(s.charAt(i + 1)) && octal(s.charAt(i + 2)) && octal(s.charAt(i + 3))) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean octal(char c) {
        return c >= '0' && c <= '7';
    }
}
