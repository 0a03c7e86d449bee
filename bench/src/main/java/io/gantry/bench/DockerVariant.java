package io.gantry.bench;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.runc.OciSpec;
import io.gantry.common.Package;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code docker run -d} of the same busybox files ({@code docker import} of the zone image's
 * tarball), with the package's caps, Docker's tini as init, the default bridge network and the
 * same idle command. Docker has no per-container disk quota on overlay2 over ext4, so it does less.
 */
final class DockerVariant implements ZoneVariant {
    private static final String IMAGE = "gantry-bench-busybox";

    private final DockerEngine engine;

    DockerVariant(DockerEngine engine, Path imageTarball) {
        this.engine = engine;
        engine.docker("import", imageTarball.toString(), IMAGE).orThrow();
    }

    @Override
    public String name() {
        return Report.DOCKER;
    }

    @Override
    public String createRunning(int index) {
        Package pkg = BenchPackage.PACKAGE;
        List<String> args = new ArrayList<>(List.of("run", "-d", "--init", "--hostname", "bench" + index,
                "--memory", pkg.memoryBytes() + "b", "--memory-swap", pkg.swapBytes() + "b",
                "--cpu-period", Long.toString(Package.CPU_PERIOD_MICROS), "--cpu-quota", Long.toString(pkg.cpuQuotaMicros()),
                "--pids-limit", Integer.toString(pkg.lwps()),
                IMAGE));
        args.addAll(OciSpec.IDLE_COMMAND);
        Cmd.Result r = engine.docker(args.toArray(String[]::new)).orThrow();
        return r.stdout().strip();
    }

    @Override
    public void stopAndDelete(String id) {
        engine.docker("stop", "--time", Long.toString(BenchPackage.STOP_GRACE.toSeconds()), id).orThrow();
        engine.docker("rm", id).orThrow();
    }

    @Override
    public void close() {
        engine.docker("rmi", "-f", IMAGE);
    }
}
