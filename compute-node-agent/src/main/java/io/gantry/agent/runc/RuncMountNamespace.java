package io.gantry.agent.runc;

import io.gantry.common.GantryException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The mount namespace the agent runs runc in: a copy of the host's without what zones mount (their disks, roots and
 * network namespace pins), held by a small process of {@code src/main/c/zone-ns.c} that ends with the agent.
 *
 * <p>Why: runc reads the whole mount table of the namespace it runs in on every command, and the init of {@code runc
 * run} copies that table into the zone's new mount namespace. The host's holds three mounts per zone, so in it each
 * create, stop and delete took longer the more zones the node held (a {@code runc run} 69 → 252 ms p50 from 50 to
 * 1,500 zones). A zone's start brings its own root and network namespace into a private copy of this namespace, for
 * its {@code runc run} alone; nothing a command does here is seen in the namespace itself or in the host's.
 */
final class RuncMountNamespace implements AutoCloseable {
    static final String RESOURCE = "/io/gantry/agent/runc/zone-ns";

    private final Path tool;
    private Process holder;

    private RuncMountNamespace(Path tool) {
        this.tool = tool;
    }

    /** Writes the tool to {@code <stateDir>/tools/zone-ns} unless the same bytes are there already. */
    static RuncMountNamespace install(Path stateDir) {
        return new RuncMountNamespace(PackagedTool.install(RESOURCE, stateDir.resolve("tools").resolve("zone-ns")));
    }

    /** {@code command} to run in this namespace. */
    List<String> wrap(List<String> command) {
        return wrap(null, null, command);
    }

    /**
     * {@code command} to run in a copy of this namespace into which the mount at {@code root} and the network namespace
     * pinned at {@code netns} are brought, each at the same path as on the host (absolute, as the zone's config has them).
     */
    List<String> wrap(Path root, Path netns, List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(tool.toString(), "run", path()));
        if (root != null) {
            wrapped.addAll(List.of("--root", root.toAbsolutePath().toString()));
        }
        if (netns != null) {
            wrapped.addAll(List.of("--netns", netns.toAbsolutePath().toString()));
        }
        wrapped.add("--");
        wrapped.addAll(command);
        return wrapped;
    }

    /** The namespace's file, the holder started first if it is not running (the first use, or it was killed). */
    synchronized String path() {
        if (holder == null || !holder.isAlive()) {
            holder = startHolder();
        }
        return "/proc/" + holder.pid() + "/ns/mnt";
    }

    /** Starts the holder and waits until it has made the namespace and taken the zones' mounts out of it. */
    private Process startHolder() {
        Process p;
        try {
            // its standard input stays a pipe from this process: it ends, and the holder with it, when the agent does
            p = new ProcessBuilder(tool.toString(), "hold").redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw GantryException.internal("cannot run " + tool + ": " + e.getMessage());
        }
        String line;
        try {
            line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            line = null;
        }
        if (!"ready".equals(line)) {
            p.destroyForcibly();
            throw GantryException.internal("cannot make runc's mount namespace (" + tool + " hold, see the agent's log)");
        }
        return p;
    }

    /** Ends the holder: the namespace goes once the last command in it (or a copy being made of it) is done. */
    @Override
    public synchronized void close() {
        if (holder == null) {
            return;
        }
        try {
            holder.getOutputStream().close();
            if (!holder.waitFor(5, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        } catch (IOException e) {
            holder.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            holder.destroyForcibly();
        }
        holder = null;
    }
}
