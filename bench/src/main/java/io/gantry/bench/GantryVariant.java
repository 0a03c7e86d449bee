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
import java.util.List;
import java.util.UUID;

/**
 * A whole Gantry zone through {@link RuncZoneBackend}: loop disk, overlay, network namespace with a fabric NIC on its
 * network's bridge (the network's own namespace with its VXLAN device, made with the tenant's first zone) and its
 * anti-spoofing rules, caps, and the zone record written to disk.
 */
final class GantryVariant implements ZoneVariant {
    private final RuncZoneBackend backend;
    private final String imageId;
    private final Path imageTarball;
    private final java.util.Map<Integer, UUID> fabrics = new java.util.HashMap<>();
    private final int vniBase = java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000, 15_000_000);
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

    /**
     * Zones are spread over tenants of {@code zonesPerTenant} (at most 240), each tenant with its own fabric network
     * (as the control plane allocates: Triton's default subnet, MTU 1450, NAT), each zone with one NIC on it: a zone
     * gets the same network as a tenant's machine does.
     */
    String createRunning(int index, int zonesPerTenant) {
        int tenant = index / zonesPerTenant;
        UUID network = fabrics.computeIfAbsent(tenant, t -> UUID.randomUUID());
        byte[] mac = new byte[5];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(mac);
        Nic nic = new Nic("02:" + java.util.HexFormat.ofDelimiter(":").formatHex(mac), "192.168.128." + (10 + index % zonesPerTenant),
                network, NetworkKind.FABRIC, "192.168.128.0/22", "192.168.128.1", vniBase + tenant, 1450, true, true);
        ZoneSpec spec = new ZoneSpec(UUID.randomUUID(), "bench" + index, "bench-t" + tenant, imageId,
                BenchPackage.PACKAGE, List.of(nic), false);
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
