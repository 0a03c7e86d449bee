package io.gantry.bench;

import io.gantry.agent.runc.ZoneInit;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Zone create-to-running and stop-to-deleted, p50 and p99, for raw runc (the floor), a whole Gantry
 * zone and docker run -d, all measured in one run on one machine; then how many Gantry zones fit
 * before the first failure. A harness, not a test: run it with bench/run.sh.
 */
@Command(name = "zone-lifecycle-bench", mixinStandardHelpOptions = true,
        description = "Measures zone create and delete against raw runc and Docker, and the node's zone capacity.")
public final class ZoneLifecycleBench implements Callable<Integer> {
    enum DockerMode { auto, off, require }

    @Option(names = "--zones", defaultValue = "50", description = "Zones measured per variant (default ${DEFAULT-VALUE}).")
    int zones;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured zones per variant first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--capacity-max", defaultValue = "400",
            description = "Stop the capacity run here if nothing failed before; 0 skips it (default ${DEFAULT-VALUE}).")
    int capacityMax;

    @Option(names = "--hold-at-peak", paramLabel = "FILE",
            description = "With every zone of the capacity run running, write FILE and wait until it is removed (to look at "
                    + "the full node from outside: its idle CPU, a command's time), then delete the zones.")
    Path holdAtPeak;

    @Option(names = "--docker", defaultValue = "auto",
            description = "auto: measure Docker when dockerd is installed; off; require: fail without it (default ${DEFAULT-VALUE}).")
    DockerMode docker;

    @Option(names = "--work-dir", defaultValue = "/var/tmp/gantry-bench", description = "Scratch space, removed afterwards.")
    Path workDir;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ZoneLifecycleBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Optional<String> why = HostProbe.whyNoRealZones();
        if (why.isPresent()) {
            System.err.println("zone-lifecycle-bench: " + why.get());
            return 1;
        }
        if (zones < 1 || warmup < 0 || capacityMax < 0) {
            System.err.println("zone-lifecycle-bench: --zones must be at least 1; --warmup and --capacity-max not negative");
            return 2;
        }
        Optional<String> noDocker = docker == DockerMode.off ? Optional.of("--docker off") : DockerEngine.whyUnavailable();
        if (docker == DockerMode.require && noDocker.isPresent()) {
            System.err.println("zone-lifecycle-bench: " + noDocker.get());
            return 1;
        }
        Thread cleanup = new Thread(this::closeAll, "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Report results = new Report(Instant.now(), zones);
        try {
            Cmd.run("rm", "-rf", "--one-file-system", workDir.toString());
            Files.createDirectories(workDir);
            say("preparing the Gantry node 'bench' and the busybox image in " + workDir);
            GantryVariant gantry = track(new GantryVariant(workDir, "bench"));
            RawRuncVariant raw = track(new RawRuncVariant(workDir, gantry.imageRootfs(), ZoneInit.install(workDir.resolve("raw-runc"))));
            List<ZoneVariant> variants = new ArrayList<>(List.of(raw, gantry));
            if (noDocker.isEmpty()) {
                say("starting a Docker engine of our own (network namespace " + DockerEngine.NETNS + ")");
                DockerEngine engine = track(DockerEngine.start(workDir));
                results.dockerVersion = engine.version();
                results.dockerCli = measureDockerCli(engine);
                variants.add(track(new DockerVariant(engine, gantry.imageTarball())));
            } else {
                results.dockerSkipped = noDocker.get();
                say("not measuring Docker: " + noDocker.get());
            }
            results.machine = machine();
            for (ZoneVariant v : variants) {
                results.add(v.name(), measure(v));
            }
            if (capacityMax > 0) {
                results.capacity = Capacity.probe(gantry, capacityMax, holdAtPeak, ZoneLifecycleBench::say);
            }
            results.steps = gantry.steps();
        } finally {
            closeAll();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        String markdown = results.markdown();
        System.out.println();
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, markdown);
            say("results written to " + report);
        }
        return 0;
    }

    private Report.Timings measure(ZoneVariant v) {
        say(v.name() + ": " + warmup + " warm-up zones, then " + zones + " measured");
        for (int i = 0; i < warmup; i++) {
            v.prepare(-1 - i);
            v.stopAndDelete(v.createRunning(-1 - i));
        }
        for (int i = 0; i < zones; i++) {
            v.prepare(i);
        }
        Samples create = new Samples();
        Samples delete = new Samples();
        List<String> handles = new ArrayList<>();
        for (int i = 0; i < zones; i++) {
            long t0 = System.nanoTime();
            handles.add(v.createRunning(i));
            create.add(System.nanoTime() - t0);
            progress(v.name() + " created", i + 1, zones);
        }
        for (int i = 0; i < handles.size(); i++) {
            long t0 = System.nanoTime();
            v.stopAndDelete(handles.get(i));
            delete.add(System.nanoTime() - t0);
            progress(v.name() + " stopped and deleted", i + 1, zones);
        }
        say(String.format("%s: create p50 %.0f ms, p99 %.0f ms; stop+delete p50 %.0f ms, p99 %.0f ms",
                v.name(), create.p50(), create.p99(), delete.p50(), delete.p99()));
        return new Report.Timings(create, delete);
    }

    /** What every docker command pays before the engine does anything: client start and one API call. */
    private static Samples measureDockerCli(DockerEngine engine) {
        Samples s = new Samples();
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            engine.docker("version", "--format", "{{.Server.Version}}").orThrow();
            s.add(System.nanoTime() - t0);
        }
        return s;
    }

    private static String machine() {
        String kernel = Cmd.run("uname", "-r").stdout().strip();
        String runc = Cmd.run("runc", "--version").stdout().lines().findFirst().orElse("runc ?");
        long memGiB = Math.round(((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getTotalMemorySize() / (1024.0 * 1024 * 1024));
        return "Linux " + kernel + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, " + memGiB + " GiB, " + runc;
    }

    private <T extends AutoCloseable> T track(T resource) {
        synchronized (toClose) {
            toClose.add(resource);
        }
        return resource;
    }

    /** Closes in reverse order (Docker's containers, then the raw ones, then the Gantry node); runs once. */
    private void closeAll() {
        List<AutoCloseable> all;
        synchronized (toClose) {
            all = new ArrayList<>(toClose);
            toClose.clear();
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                all.get(i).close();
            } catch (Exception e) {
                System.err.println("cleanup: " + e.getMessage());
            }
        }
        Cmd.run("rm", "-rf", "--one-file-system", workDir.toString());
    }

    static void progress(String what, int done, int total) {
        if (done % 10 == 0 || done == total) {
            say(what + ": " + done + "/" + total);
        }
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
