package io.gantry.agent.runc;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.ExecResult;
import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.Package;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The runc command line, with its own state root so that each agent sees only its zones. Public so
 * that the benchmark's floor (raw runc on a prepared bundle) drives runc exactly as zones do.
 */
public final class Runc {
    private final String binary;
    private final Path root;
    /** Where the agent's runc commands run; null: in this process's own mount namespace (the benchmark's floor). */
    private final RuncMountNamespace namespace;

    public Runc(String binary, Path root) {
        this(binary, root, null);
    }

    Runc(String binary, Path root, RuncMountNamespace namespace) {
        this.binary = binary;
        this.root = root;
        this.namespace = namespace;
    }

    public record State(String status, long pid) {
        public boolean running() {
            return status.equals("running");
        }
    }

    /** {@code runc args...} as it runs: in the agent's runc namespace if it has one. */
    private List<String> base(String... args) {
        List<String> cmd = plain(args);
        return namespace == null ? cmd : namespace.wrap(cmd);
    }

    private List<String> plain(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary, "--root", root.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * {@code runc run -d} of a bundle whose root and network namespace are seen where runc runs (the benchmark's floor,
     * in its own namespace). The zone inherits runc's stdio, so both go to the zone's log file: a pipe here would be held
     * open by the zone for ever.
     */
    public void runDetached(String id, Path bundle, Path log) {
        run(id, log, base("run", "-d", "--bundle", bundle.toAbsolutePath().toString(), id));
    }

    /**
     * {@link #runDetached(String, Path, Path)} of a zone whose config names {@code rootfs} as its root and the network
     * namespace pinned at {@code netns}: both are brought into the copy of the agent's runc namespace it runs in.
     */
    void runDetached(String id, Path bundle, Path log, Path rootfs, Path netns) {
        List<String> cmd = plain("run", "-d", "--bundle", bundle.toAbsolutePath().toString(), id);
        run(id, log, namespace == null ? cmd : namespace.wrap(rootfs, netns, cmd));
    }

    private void run(String id, Path log, List<String> command) {
        long t0 = System.nanoTime();
        try {
            Process p = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw GantryException.internal("runc run did not return within 60 s for zone " + id);
            }
            io.gantry.agent.host.Trace.cmd(List.of("runc", "run"), System.nanoTime() - t0);
            if (p.exitValue() != 0) {
                throw GantryException.internal("runc could not start zone " + id + ": " + tail(log));
            }
        } catch (IOException e) {
            throw GantryException.internal("cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted while starting zone " + id);
        }
    }

    public Optional<State> state(String id) {
        Cmd.Result r = Cmd.run(base("state", id));
        if (!r.ok()) {
            return Optional.empty(); // "container does not exist"
        }
        JsonNode json = Json.read(r.stdout(), JsonNode.class);
        return Optional.of(new State(json.path("status").asText(), json.path("pid").asLong()));
    }

    /** Freezes every process of the container (cgroup freezer): nothing it runs can write until {@link #resume}. */
    public void pause(String id) {
        Cmd.run(base("pause", id)).orThrow();
    }

    public void resume(String id) {
        Cmd.run(base("resume", id)).orThrow();
    }

    public void kill(String id, String signal) {
        Cmd.run(base("kill", id, signal));
    }

    /** {@code runc delete --force}; nothing to do (no process) when runc has no container by that id. */
    public void delete(String id) {
        if (!Files.exists(root.resolve(id))) {
            return;
        }
        Cmd.Result r = Cmd.run(base("delete", "--force", id));
        if (!r.ok() && state(id).isPresent()) {
            r.orThrow();
        }
    }

    /**
     * Sends SIGTERM, waits up to {@code grace} for the container to stop, then SIGKILL. Returns
     * whether it stopped on SIGTERM alone.
     */
    public boolean stop(String id, Duration grace) {
        kill(id, "TERM");
        if (waitUntilStopped(id, grace)) {
            return true;
        }
        kill(id, "KILL");
        waitUntilStopped(id, Duration.ofSeconds(10));
        return false;
    }

    /**
     * Polls whether the container's init still lives, from runc's state file and /proc (the test runc applies), every
     * 5 ms: a {@code runc state} process per poll cost about 20 ms each.
     */
    private boolean waitUntilStopped(String id, Duration within) {
        Optional<RuncStateFile.Init> init = RuncStateFile.read(root, id);
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (init.isEmpty() || !init.get().alive()) {
                return true;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GantryException.internal("interrupted while stopping " + id);
            }
        }
        return false;
    }

    void update(String id, Package pkg) {
        Cmd.run(base("update",
                "--memory", Long.toString(pkg.memoryBytes()),
                "--memory-swap", Long.toString(pkg.swapBytes()),
                "--cpu-period", Long.toString(Package.CPU_PERIOD_MICROS),
                "--cpu-quota", Long.toString(pkg.cpuQuotaMicros()),
                "--pids-limit", Integer.toString(pkg.lwps()),
                id)).orThrow();
    }

    /** Every container under this runc root with its state, from one runc call. */
    Map<String, State> list() {
        Map<String, State> states = new HashMap<>();
        Cmd.Result r = Cmd.run(base("list", "--format", "json"));
        if (r.ok() && !r.stdout().isBlank()) {
            for (JsonNode c : Json.read(r.stdout(), JsonNode.class)) { // "null" when there are none
                states.put(c.path("id").asText(), new State(c.path("status").asText(), c.path("pid").asLong()));
            }
        }
        return states;
    }

    ExecResult exec(String id, List<String> command, Duration timeout) {
        List<String> cmd = base("exec", id);
        cmd.addAll(command);
        Cmd.Result r = Cmd.run(cmd, null, timeout);
        return new ExecResult(r.exitCode(), r.stdout(), r.stderr());
    }

    /** runc exec with the caller's own terminal or streams, for the operator CLI. */
    int execInteractive(String id, List<String> command) {
        List<String> cmd = base("exec", id);
        cmd.addAll(command);
        try {
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw GantryException.internal("cannot run " + binary + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
