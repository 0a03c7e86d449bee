package io.gantry.platform;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A PostgreSQL that an earlier run left serving a data directory: the embedded server is its own
 * process, so a launcher killed with SIGKILL leaves it running (re-parented to init), holding the
 * port and the data directory. It is found by the {@code postmaster.pid} PostgreSQL keeps in the data
 * directory (first line the pid, second the data directory) and signalled only once the live process
 * is shown to be a {@code postgres} serving exactly that directory ({@code /proc/<pid>/exe} and
 * {@code /proc/<pid>/cmdline}): a reused pid or someone else's server is left alone. It is stale only
 * if no live launcher owns it: zonky holds a lock on {@code epg-lock} in the data directory for as long
 * as the launcher that started the server lives, and the kernel drops it when that process dies.
 */
final class StalePostgres {
    /** PostgreSQL's shutdown modes, gentlest first, each with how long it may take (SIGKILL last, should the rest hang). */
    private record Step(String signal, Duration patience) {
    }

    private static final List<Step> SHUTDOWN = List.of(
            new Step("TERM", Duration.ofSeconds(10)), // smart: the dead launcher's sessions are already gone
            new Step("INT", Duration.ofSeconds(10)), // fast: rolls back whatever is still open
            new Step("QUIT", Duration.ofSeconds(5)), // immediate: recovery at the next start
            new Step("KILL", Duration.ofSeconds(5)));

    private StalePostgres() {
    }

    /** Stops the PostgreSQL serving {@code dataDir}, if one runs; returns its pid. */
    static OptionalLong stop(Path dataDir) {
        OptionalLong pid = find(dataDir);
        if (pid.isEmpty()) {
            return pid;
        }
        if (ownedByALiveLauncher(dataDir)) {
            throw new GantryException(ErrorCode.ServiceUnavailable, "the PostgreSQL (pid " + pid.getAsLong() + ") of " + dataDir
                    + " belongs to a running launcher (is another 'gantry dev' using this state directory?)");
        }
        List<ProcessHandle> family = family(pid.getAsLong());
        for (Step step : SHUTDOWN) {
            signal(pid.getAsLong(), step.signal());
            if (awaitGone(family, step.patience())) {
                return pid;
            }
        }
        throw new GantryException(ErrorCode.ServiceUnavailable, "a PostgreSQL left by an earlier run (pid " + pid.getAsLong()
                + ") still serves " + dataDir + " after SIGTERM, SIGINT, SIGQUIT and SIGKILL; stop it by hand");
    }

    /** The pid of a live PostgreSQL serving {@code dataDir}, per its {@code postmaster.pid}. */
    static OptionalLong find(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return OptionalLong.empty(); // none (a clean stop removes it) or unreadable: nothing of ours runs there
        }
        if (lines.size() < 2) {
            return OptionalLong.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
        Path dir = real(dataDir);
        if (pid <= 1 || !real(Path.of(lines.get(1).strip())).equals(dir) || !isPostgresOf(pid, dir)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(pid);
    }

    private static boolean ownedByALiveLauncher(Path dataDir) {
        Path lockFile = dataDir.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this very process holds it
        } catch (IOException e) {
            return false;
        }
    }

    /** Alive (not a zombie), its executable named {@code postgres} and its {@code -D} naming {@code dataDir}. */
    private static boolean isPostgresOf(long pid, Path dataDir) {
        if (!alive(pid)) {
            return false;
        }
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            // a binary replaced since the server started shows as "postgres (deleted)"
            String exe = Files.readSymbolicLink(proc.resolve("exe")).getFileName().toString().replace(" (deleted)", "");
            if (!exe.equals("postgres")) {
                return false;
            }
            String[] args = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("-D") && real(Path.of(args[i + 1])).equals(dataDir)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile, or not ours to read
        }
    }

    /** The postmaster and its backends: all must be gone before a new server may use the directory. */
    private static List<ProcessHandle> family(long pid) {
        List<ProcessHandle> family = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(p -> {
            family.add(p);
            p.descendants().forEach(family::add);
        });
        return family;
    }

    private static void signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor();
        } catch (IOException e) {
            throw new GantryException(ErrorCode.InternalError, "cannot run kill to stop a stale PostgreSQL (pid " + pid + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GantryException(ErrorCode.ServiceUnavailable, "interrupted while stopping a stale PostgreSQL (pid " + pid + ")");
        }
    }

    private static boolean awaitGone(List<ProcessHandle> family, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (family.stream().anyMatch(p -> alive(p.pid()))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * A process that has exited but is not reaped yet (its parent, init here, may be slow to or never
     * reap it) counts as gone: it holds no port, files or shared memory.
     */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) S ...": the state follows the last ')' (comm may itself hold parentheses)
            String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
            return !state.startsWith("Z") && !state.startsWith("X");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException e) {
            return abs;
        }
    }
}
