package io.gantry.bench;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole Gantry zone through {@link RuncZoneBackend}: loop disk, overlay, network namespace on the
 * tenant bridge with its nftables rules, caps, and the zone record written to disk.
 */
final class GantryVariant implements ZoneVariant {
    private final RuncZoneBackend backend;
    private final String imageId;
    private final Path imageTarball;
    private boolean closed;
    private final Map<String, Samples> steps = new LinkedHashMap<>();
    private long stepStarted;

    GantryVariant(Path workDir, String node) {
        this.backend = RuncZoneBackend.open(AgentConfig.of(workDir.resolve("gantry-" + node), node), this::reached);
        this.imageTarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, workDir.resolve("busybox.tar"));
        this.imageId = backend.images().importTarball(imageTarball, BusyboxImage.NAME).id();
    }

    /** VNIs of the bench's networks: far from the control plane's (from 4096) and from tests' random ones. */
    private static final int VNI_BASE = 16_500_000;

    @Override
    public String name() {
        return Report.GANTRY;
    }

    Path imageRootfs() {
        return backend.images().rootfs(imageId);
    }

    /** The image's tarball, which Docker imports so that all variants run the same files. */
    Path imageTarball() {
        return imageTarball;
    }

    /**
     * Zones are spread over tenants of {@code zonesPerTenant}, each tenant with its fabric network (Triton's default
     * 192.168.128.0/22, no NAT, so the host's own network is left alone) and one NIC per zone, as the control plane
     * allocates them: the first zone of a tenant makes the network's namespace, the others reuse it.
     */
    String createRunning(int index, int zonesPerTenant) {
        int tenant = index / zonesPerTenant;
        int host = 10 + index % zonesPerTenant;
        Nic nic = new Nic(String.format("02:be:%02x:%02x:%02x:%02x", (index >> 24) & 0xff, (index >> 16) & 0xff, (index >> 8) & 0xff,
                index & 0xff), "192.168." + (128 + host / 256) + "." + host % 256, new UUID(0xbe, tenant), NetworkKind.FABRIC,
                "192.168.128.0/22", "192.168.128.1", VNI_BASE + tenant, 1450, false, true);
        ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), "bench" + index, "bench-t" + tenant, imageId,
                BenchPackage.PACKAGE, List.of(nic), false);
        stepStarted = System.nanoTime();
        Zone zone = backend.create(spec);
        if (zone.state() != ZoneState.RUNNING) {
            throw GantryException.internal("zone " + index + " is " + zone.state().wireName() + ": " + zone.reason());
        }
        return zone.uuid().toString();
    }

    /** One pass of the agent's periodic loop on this node: the start-up's recovery when {@code full}, else the reconcile. */
    void reconcile(boolean full) {
        if (full) {
            backend.recover();
        } else {
            backend.reconcile();
        }
    }

    /** The time since the previous step of the create running now (the first: since the call). */
    private void reached(String step) {
        long now = System.nanoTime();
        steps.computeIfAbsent(step, s -> new Samples()).add(now - stepStarted);
        stepStarted = now;
    }

    /** Time per step of every create so far, in step order. */
    Map<String, Samples> steps() {
        return steps;
    }

    @Override
    public String createRunning(int index) {
        return createRunning(index, 200);
    }

    @Override
    public void stopAndDelete(String handle) {
        UUID uuid = UUID.fromString(handle);
        backend.stop(uuid, BenchPackage.STOP_GRACE);
        backend.delete(uuid);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backend.destroyNode();
        }
    }
}
