package io.gantry.agent.image;

import io.gantry.agent.runc.OciSpec;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a zone needs of its image's unpacked root, checked at import so that an unusable image is
 * refused then, not at every zone create: runc mounts proc, sysfs and a tmpfs on /proc, /sys and
 * /dev, and refuses (or, for /dev, mounts on the link's target) when they are not real
 * directories; the zone's init bind-mounts over /.gantry-init and runs /bin/sh, whose loop runs
 * {@code sleep}. Paths are followed as the zone sees them: absolute links from the image's root.
 */
final class ZoneRootCheck {
    private static final int MAX_LINKS = 40;
    private static final Set<PosixFilePermission> EXECUTE = Set.of(
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private ZoneRootCheck() {
    }

    /** Throws InvalidArgument with the reason if {@code rootfs} cannot be a zone's root. */
    static void requireUsable(Path rootfs, String shownAs) {
        for (String mountPoint : OciSpec.KERNEL_MOUNTS) {
            Path p = inRoot(rootfs, mountPoint);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw unusable(shownAs, mountPoint + " is " + describe(p) + "; runc mounts the zone's " + mountPoint
                        + " there, so it must be a directory (or absent)");
            }
        }
        Path init = inRoot(rootfs, OciSpec.INIT_PATH);
        if (Files.exists(init, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(init, LinkOption.NOFOLLOW_LINKS)) {
            throw unusable(shownAs, OciSpec.INIT_PATH + " is " + describe(init) + "; that name is kept for the zone's init");
        }
        String shell = OciSpec.IDLE_COMMAND.get(0);
        if (!isExecutable(resolve(rootfs, shell))) {
            throw unusable(shownAs, "it has no executable " + shell + " (the zone's init runs it)");
        }
        boolean sleep = Arrays.stream(OciSpec.PATH.split(":")).anyMatch(dir -> isExecutable(resolve(rootfs, dir + "/sleep")));
        if (!sleep) {
            throw unusable(shownAs, "it has no executable sleep in " + OciSpec.PATH + " (the zone's init loop runs it)");
        }
    }

    private static GantryException unusable(String shownAs, String why) {
        return GantryException.invalid(shownAs + " cannot be a zone's root: " + why);
    }

    private static Path inRoot(Path rootfs, String absolute) {
        return rootfs.resolve(absolute.substring(1));
    }

    private static String describe(Path p) {
        if (Files.isSymbolicLink(p)) {
            try {
                return "a symbolic link to " + Files.readSymbolicLink(p);
            } catch (IOException e) {
                return "a symbolic link";
            }
        }
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "a file"
                : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "a directory" : "a special file";
    }

    private static boolean isExecutable(Optional<Path> file) {
        if (file.isEmpty() || !Files.isRegularFile(file.get(), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file.get(), LinkOption.NOFOLLOW_LINKS);
            return mode.stream().anyMatch(EXECUTE::contains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Follows {@code path} inside the root as the zone would: absolute link targets start again at
     * the root, and {@code ..} stops there. Empty if it leads nowhere (or round in circles).
     */
    static Optional<Path> resolve(Path rootfs, String path) {
        Deque<String> todo = new ArrayDeque<>(Arrays.asList(path.split("/")));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pollFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path here = rootfs.resolve(String.join("/", done)).resolve(part);
            if (Files.isSymbolicLink(here)) {
                if (++links > MAX_LINKS) {
                    return Optional.empty();
                }
                String target;
                try {
                    target = Files.readSymbolicLink(here).toString();
                } catch (IOException e) {
                    return Optional.empty();
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = Arrays.asList(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            } else if (Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                done.add(part);
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(rootfs.resolve(String.join("/", done)));
    }
}
