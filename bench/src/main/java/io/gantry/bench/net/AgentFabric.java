package io.gantry.bench.net;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.net.NodeNetwork.RemoteNic;
import io.gantry.agent.net.Underlay;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.bench.BenchPackage;
import io.gantry.common.GantryException;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import io.gantry.testkit.OverlayLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Real Gantry zones on one fabric network across the nodes of an {@link OverlayLab}: one agent backend
 * ({@link RuncZoneBackend}) per node with the lab's underlay namespace as its underlay, zones with a fabric NIC as the
 * control plane allocates them, and each node's forwarding entries set through the agent's
 * {@code NodeNetwork.setOverlay} (what the agent's view watcher does with a tenant's view).
 */
final class AgentFabric implements AutoCloseable {
    record Zone(UUID uuid, Nic nic, int node, String netns) {
        String ip() {
            return nic.ip();
        }
    }

    private final OverlayLab lab;
    private final Path workDir;
    private final List<RuncZoneBackend> backends = new ArrayList<>();
    private final List<String> imageIds = new ArrayList<>();
    private final List<Zone> zones = new ArrayList<>();
    private final UUID network = UUID.randomUUID();
    private final int vni = ThreadLocalRandom.current().nextInt(100_000, 16_000_000);
    private final String tenant = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);

    private final int mtu;

    AgentFabric(OverlayLab lab) throws IOException {
        this(lab, HandFabric.MTU);
    }

    /** With the fabric network's MTU {@code mtu}, as the control plane would give it. */
    AgentFabric(OverlayLab lab, int mtu) throws IOException {
        this.mtu = mtu;
        this.lab = lab;
        this.workDir = Files.createTempDirectory("gantry-overlay-bench");
        try {
            Path image = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, workDir.resolve("busybox.tar"));
            String run = Long.toString(ThreadLocalRandom.current().nextLong(1 << 20, 1 << 30), 36);
            for (int i = 0; i < lab.nodes(); i++) {
                String node = "ob" + run + "-" + i;
                Underlay underlay = new Underlay(lab.underlayIp(i), lab.underlayNetns(i), HandFabric.VXLAN_PORT);
                RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(workDir.resolve(node), node).withUnderlay(underlay));
                backends.add(backend);
                imageIds.add(backend.images().importTarball(image, BusyboxImage.NAME).id());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A running zone on {@code node} with one fabric NIC, 192.168.128.{20+k}, its firewall off. */
    Zone addZone(int node) {
        return addZone(node, false);
    }

    /** The agent's network of {@code node}, e.g. for its view watcher. */
    io.gantry.agent.net.NodeNetwork network(int node) {
        return backends.get(node).network();
    }

    String nodeName(int node) {
        return backends.get(node).config().node();
    }

    /** A running zone on {@code node} with one fabric NIC, 192.168.128.{20+k}; {@code firewall}: firewall_enabled. */
    Zone addZone(int node, boolean firewall) {
        int k = zones.size() + 1;
        byte[] mac = new byte[5];
        ThreadLocalRandom.current().nextBytes(mac);
        Nic nic = new Nic("02:" + java.util.HexFormat.ofDelimiter(":").formatHex(mac), "192.168.128." + (20 + k), network,
                NetworkKind.FABRIC, "192.168.128.0/22", "192.168.128.1", vni, mtu, true, true);
        UUID uuid = UUID.randomUUID();
        ZoneSpec spec = new ZoneSpec(uuid, "overlay" + k, tenant, imageIds.get(node), BenchPackage.PACKAGE, List.of(nic), firewall);
        io.gantry.common.Zone zone = backends.get(node).create(spec);
        if (zone.state() != ZoneState.RUNNING) {
            throw GantryException.internal("zone " + k + " is " + zone.state().wireName() + ": " + zone.reason());
        }
        Zone z = new Zone(uuid, nic, node, backends.get(node).layout(uuid).netns());
        zones.add(z);
        return z;
    }

    /** Every node's forwarding entries: each other node's zones, through the agent. */
    void programOverlay() {
        for (int i = 0; i < backends.size(); i++) {
            Set<RemoteNic> remote = new HashSet<>();
            for (Zone z : zones) {
                if (z.node() != i) {
                    remote.add(new RemoteNic(z.nic().mac(), z.ip(), lab.underlayIp(z.node()), HandFabric.VXLAN_PORT));
                }
            }
            Map<Integer, Set<RemoteNic>> wanted = new HashMap<>();
            wanted.put(vni, remote);
            backends.get(i).network().setOverlay(wanted);
        }
    }

    @Override
    public void close() {
        for (Zone z : zones) {
            try {
                RuncZoneBackend b = backends.get(z.node());
                b.stop(z.uuid(), java.time.Duration.ofSeconds(2));
                b.delete(z.uuid());
            } catch (RuntimeException e) {
                System.err.println("[bench] zone " + z.uuid() + ": " + e.getMessage());
            }
        }
        for (RuncZoneBackend b : backends) {
            try {
                b.destroyNode();
            } catch (RuntimeException e) {
                System.err.println("[bench] node: " + e.getMessage());
            }
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[bench] " + workDir + " left behind: " + e.getMessage());
        }
    }
}
