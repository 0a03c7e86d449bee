package io.gantry.bench;

import io.gantry.agent.cgroup.Cgroups;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.runc.OciSpec;
import io.gantry.agent.runc.Runc;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The floor: {@code runc run -d} of a bundle prepared beforehand, with the same config as a zone
 * (caps, init, namespaces) but on the image's shared read-only root and a fresh empty network
 * namespace: no disk, no overlay, no veth, no nftables.
 */
final class RawRuncVariant implements ZoneVariant {
    private static final String CGROUP_PARENT = "/gantry-bench-raw";

    private final Path bundles;
    private final Path rootfs;
    private final Path init;
    private final Runc runc;
    private final Path runcRoot;
    private final Set<String> live = new HashSet<>();

    RawRuncVariant(Path workDir, Path imageRootfs, Path init) {
        this.bundles = workDir.resolve("raw-bundles");
        this.rootfs = imageRootfs;
        this.init = init;
        this.runcRoot = Path.of("/run/gantry-bench/raw-runc");
        this.runc = new Runc("runc", runcRoot);
    }

    @Override
    public String name() {
        return Report.RAW;
    }

    private static String id(int index) {
        return "bench-raw-" + index;
    }

    @Override
    public void prepare(int index) {
        Path bundle = bundles.resolve(id(index));
        try {
            Files.createDirectories(bundle);
            Files.writeString(bundle.resolve("config.json"), Json.writePretty(OciSpec.build(rootfs, true, id(index),
                    BenchPackage.PACKAGE, init, CGROUP_PARENT + "/" + id(index), null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String createRunning(int index) {
        String id = id(index);
        Path bundle = bundles.resolve(id);
        live.add(id);
        runc.runDetached(id, bundle, bundle.resolve("runc.log"));
        return id;
    }

    @Override
    public void stopAndDelete(String id) {
        runc.stop(id, BenchPackage.STOP_GRACE);
        runc.delete(id);
        live.remove(id);
    }

    @Override
    public void close() {
        for (String id : Set.copyOf(live)) {
            try {
                runc.delete(id);
                live.remove(id);
            } catch (GantryException e) {
                System.err.println("cannot remove raw container " + id + ": " + e.getMessage());
            }
        }
        Cgroups.detect().removeIfEmpty(CGROUP_PARENT);
        Cmd.run("rm", "-rf", "--one-file-system", bundles.toString(), runcRoot.getParent().toString());
    }
}
