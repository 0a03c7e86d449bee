package io.gantry.bench;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import java.nio.file.Path;
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

    GantryVariant(Path workDir, String node) {
        this.backend = RuncZoneBackend.open(AgentConfig.of(workDir.resolve("gantry-" + node), node));
        this.imageTarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, workDir.resolve("busybox.tar"));
        this.imageId = backend.images().importTarball(imageTarball, BusyboxImage.NAME).id();
    }

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

    /** Zones are spread over tenants of {@code zonesPerTenant}, as a tenant's /24 holds 253. */
    String createRunning(int index, int zonesPerTenant) {
        ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), "bench" + index, "bench-t" + index / zonesPerTenant, imageId,
                BenchPackage.PACKAGE);
        Zone zone = backend.create(spec);
        if (zone.state() != ZoneState.RUNNING) {
            throw GantryException.internal("zone " + index + " is " + zone.state().wireName() + ": " + zone.reason());
        }
        return zone.uuid().toString();
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
