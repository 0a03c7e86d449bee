package io.gantry.agent.net;

import io.gantry.agent.runc.ZoneLayout;
import io.gantry.common.GantryException;
import io.gantry.common.ZoneSpec;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part of tenant networks (docs/architecture.md, "Tenant networks on a node"). Namespaces:
 * <ul>
 * <li>{@code gantry-<node>}, the node namespace: routes between the fabric namespaces, the external bridges and one
 * uplink ({@code ul0}) into the underlay namespace, masquerading what leaves through it;</li>
 * <li>{@code gantry-<node>.f<vni>}, one per fabric network with a zone here: the bridge {@code br0} with the network's
 * gateway address and a MAC derived from the VNI (the same on every node), the VXLAN device {@code vx0} (made in the
 * underlay namespace, so its UDP socket lives there, then moved in; no learning, ARP answered from the neighbour
 * table), and an uplink {@code up0} to the node namespace, masqueraded when the network has NAT;</li>
 * <li>{@code gz-<node>.<zone>}, each zone's own: {@code eth0, eth1, …} as its spec's NICs, with the zone's firewall table
 * installed before any interface comes up.</li>
 * </ul>
 * Every zone port passes a chain that drops frames whose MAC, IPv4 or ARP sender is not the NIC's own. The overlay
 * has no flooding: each remote NIC of a local network gets a static forwarding entry and a permanent neighbour entry
 * (from the tenants' views, {@link #setOverlay}); an unknown MAC goes nowhere.
 */
public final class NodeNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(NodeNetwork.class);
    static final String TABLE = "gantry";
    static final String UPLINK = "ul0";
    private static final String FABRIC_BRIDGE = "br0";
    private static final String VXLAN = "vx0";
    private static final String FABRIC_UPLINK = "up0";
    /** Node-to-underlay links: a /30 each out of 169.254.64.0/18. */
    private static final int NODE_LINKS = ipv4("169.254.64.0");
    /** Fabric-to-node links: a /30 each out of 169.254.128.0/17. */
    private static final int FABRIC_LINKS = ipv4("169.254.128.0");
    private static final int VXLAN_OVERHEAD = 50;

    /** A NIC on another node, as a local fabric network's forwarding entries name it. */
    public record RemoteNic(String mac, String ip, String underlayIp, int port) {
    }

    private final String node;
    private final Netns nodeNs;
    private final Netns underlayNs;
    private final Underlay underlay;
    private final ZoneFirewall firewall = new ZoneFirewall();
    private final Set<Integer> readyFabrics = new HashSet<>();
    private Map<Integer, Set<RemoteNic>> overlay = Map.of();
    private final Map<Integer, Set<RemoteNic>> programmed = new HashMap<>();
    private Map<UUID, MachineFirewall> firewalls = Map.of();
    private final Map<UUID, MachineFirewall> appliedFirewalls = new HashMap<>();
    /**
     * The zone ports this process made or found on each bridge (by {@link #bridgeKey}), so that removing a zone
     * lists a bridge's ports only when it may have been the last one: listing them cost a process and grew with the
     * zones on the network.
     */
    private final Map<String, Set<String>> ports = new HashMap<>();
    /**
     * Runs the teardown's host commands that need nothing of each other side by side (a process costs tens of
     * milliseconds on a busy node, and a delete waits for all of them).
     */
    private final ExecutorService beside = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "net-teardown");
        t.setDaemon(true);
        return t;
    });

    public NodeNetwork(String node, Underlay underlay) {
        this.node = node;
        this.nodeNs = new Netns("gantry-" + node);
        this.underlay = underlay;
        this.underlayNs = new Netns(underlay.netns());
    }

    public String netns() {
        return nodeNs.name();
    }

    public Underlay underlay() {
        return underlay;
    }

    public static boolean netnsExists(String name) {
        return Netns.exists(name);
    }

    /**
     * Whether the namespaces the zone's NICs hang on are there: the node's, and each fabric network's. Reads their pins
     * under /run/netns only; one that went took its bridge and the zone's ports with it.
     */
    public boolean namespacesPresentFor(ZoneSpec spec) {
        if (!nodeNs.exists()) {
            return false;
        }
        for (Nic nic : spec.nics()) {
            if (nic.kind() == NetworkKind.FABRIC && !Netns.exists(fabricNetns(nic.vni()))) {
                return false;
            }
        }
        return true;
    }

    /** The namespace of a fabric network on this node (present while a zone here has a NIC on it). */
    public String fabricNetns(int vni) {
        return nodeNs.name() + ".f" + vni;
    }

    /** Creates the node namespace and its base rules; safe to repeat. */
    public synchronized void ensure() {
        readyFabrics.clear();
        programmed.clear();
        ports.clear();
        nodeNs.create();
        nodeNs.sysctl("net/ipv4/ip_forward", "1");
        bridgeBase(nodeNs);
        nodeNs.nftOrThrow("""
                add table inet %1$s
                add chain inet %1$s forward { type filter hook forward priority 0; policy drop; }
                flush chain inet %1$s forward
                add rule inet %1$s forward ct state established,related accept
                add rule inet %1$s forward iifname "gu*" oifname "%2$s" accept
                add rule inet %1$s forward iifname "gu*" oifname "gx*" accept
                add rule inet %1$s forward iifname "%2$s" oifname "gx*" accept
                add rule inet %1$s forward iifname "gx*" accept
                add table ip %1$s_nat
                add chain ip %1$s_nat post { type nat hook postrouting priority 100; }
                flush chain ip %1$s_nat post
                add rule ip %1$s_nat post oifname "%2$s" ip saddr 169.254.128.0/17 masquerade
                """.formatted(TABLE, UPLINK));
    }

    /**
     * Wires the zone's NICs as {@code spec} says; safe to repeat (what is there stays as it is). A zone namespace made
     * now gets its firewall first: the machine's from the view, else the default ({@code spec.firewallEnabled()}).
     */
    public synchronized void attach(ZoneLayout zone, ZoneSpec spec) {
        Netns zns = new Netns(zone.netns());
        if (!zns.exists()) {
            attachFresh(zone, zns, spec);
            return;
        }
        List<Nic> nics = spec.nics();
        for (int i = 0; i < nics.size(); i++) {
            attachNic(zns, zone, i, nics.get(i), false);
        }
        routes(zns, nics);
    }

    /**
     * A new zone namespace, wired in few processes. Beside one another: the namespace and its firewall, and each NIC's
     * anti-spoof chain on its port-to-be. Then one batch in the zone's namespace makes each veth pair there (the port
     * end sent to its bridge's namespace, down and on no bridge), its address and routes; last, per NIC, its port
     * joins the bridge and comes up, only once its chain is in place, so no frame of it passes unchecked. Nothing is
     * listed.
     */
    private void attachFresh(ZoneLayout zone, Netns zns, ZoneSpec spec) {
        List<CompletableFuture<Void>> beforePorts = new ArrayList<>();
        beforePorts.add(CompletableFuture.runAsync(() -> {
            zns.add();
            installFirewall(zone.uuid(), zns.name(), spec.firewallEnabled()); // before any NIC: nothing passes unfiltered
        }, beside));
        try {
            wireFresh(zns, spec.nics(), beforePorts);
        } finally {
            for (CompletableFuture<Void> work : beforePorts) {
                work.exceptionally(failed -> null).join(); // not left running when this thread failed first
            }
        }
    }

    /** {@link #attachFresh}'s NICs; {@code beforePorts} holds the namespace's making, and gets the anti-spoof chains. */
    private void wireFresh(Netns zns, List<Nic> nics, List<CompletableFuture<Void>> beforePorts) {
        List<Netns> bridgeNss = new ArrayList<>();
        List<String> bridges = new ArrayList<>();
        List<String> vethAdds = new ArrayList<>();
        for (Nic nic : nics) {
            Netns bridgeNs = nic.kind() == NetworkKind.FABRIC ? ensureFabric(nic) : nodeNs;
            bridgeNss.add(bridgeNs);
            bridges.add(nic.kind() == NetworkKind.FABRIC ? FABRIC_BRIDGE : ensureExternal(nic));
            beforePorts.add(CompletableFuture.runAsync(() -> antiSpoof(bridgeNs, nic), beside));
            vethAdds.add("link add eth" + vethAdds.size() + " address " + nic.mac() + " mtu " + nic.mtu()
                    + " type veth peer name " + hostVeth(nic) + " mtu " + nic.mtu() + " netns " + bridgeNs.name());
        }
        join(beforePorts.get(0)); // the namespace
        // one process for the interfaces and the routes; the routes' lines may fail (as they may in routes()), the
        // interfaces' may not: only when the batch reports a failure are the latter run again, alone, to tell
        List<String> all = interfaceLines(nics, vethAdds);
        all.addAll(routeLines(nics, true));
        if (!zns.tryIpBatch(all)) {
            List<String> again = new ArrayList<>(vethAdds);
            for (int i = 0; i < nics.size(); i++) {
                if (zns.linkExists("eth" + i)) {
                    again.set(i, null);
                } else if (bridgeNss.get(i).linkExists(hostVeth(nics.get(i)))) {
                    // the same NIC's port, left by an earlier copy of the zone whose namespace the kernel had not
                    // freed yet (the zone moved back to this node: seen during evacuation under load)
                    bridgeNss.get(i).tryIp("link", "del", hostVeth(nics.get(i)));
                }
            }
            zns.ipBatch(interfaceLines(nics, again), false); // a failure now is told with its reason
            zns.ipBatch(routeLines(nics, true), true);
        }
        for (int i = 0; i < nics.size(); i++) {
            Nic nic = nics.get(i);
            String port = hostVeth(nic);
            join(beforePorts.get(1 + i)); // its anti-spoof chain
            bridgeNss.get(i).ipBatch(List.of("link set " + port + " master " + bridges.get(i) + " up"), false);
            ports.computeIfAbsent(bridgeKey(nic), k -> new HashSet<>()).add(port);
            if (nic.kind() == NetworkKind.EXTERNAL) {
                externalRoutes(nic, bridges.get(i));
            }
        }
    }

    /** Makes the zone's NICs those of {@code wanted}: a NIC that changed (or moved in the order) is made anew. */
    public synchronized void updateNics(ZoneLayout zone, List<Nic> current, List<Nic> wanted) {
        Netns zns = new Netns(zone.netns());
        for (int i = 0; i < current.size(); i++) {
            if (i >= wanted.size() || !current.get(i).equals(wanted.get(i))) {
                removeNic(current.get(i));
            }
        }
        for (int i = 0; i < wanted.size(); i++) {
            attachNic(zns, zone, i, wanted.get(i), false);
        }
        routes(zns, wanted);
        removeUnused(current);
    }

    /**
     * A zone that has run since before a zone's namespace was named by its node too is in one of the earlier name
     * ({@link ZoneLayout#earlierNetns}); it takes its present name, so the zone keeps its network (wiring a namespace
     * anew would take its port from it). Answers whether there was one.
     */
    public synchronized boolean takeOverEarlierNamespace(ZoneLayout zone) {
        if (!Netns.exists(zone.earlierNetns()) || Netns.exists(zone.netns())) {
            return false;
        }
        Netns.rename(zone.earlierNetns(), zone.netns());
        return true;
    }

    /** Removes the zone's namespace, ports and rules, and each network's namespace or bridge no zone here uses now. */
    public synchronized void detach(ZoneLayout zone, List<Nic> nics) {
        // the zone's namespace holds only the other ends of its veths: it goes beside the ports' removal
        CompletableFuture<Void> namespace = CompletableFuture.runAsync(() -> new Netns(zone.netns()).delete(), beside);
        try {
            for (Nic nic : nics) {
                removeNic(nic);
            }
        } finally {
            join(namespace);
        }
        appliedFirewalls.remove(zone.uuid());
        removeUnused(nics);
    }

    /** The anti-spoofing chain of a NIC with its drop counters, as nft lists it (for diagnosis and tests). */
    public synchronized String portRules(Nic nic) {
        return bridgeNs(nic).nftList("chain", "bridge", TABLE, portChain(nic)).stdout();
    }

    /** Removes every namespace of this node, its uplink with the underlay's routes to it, and its underlay rules. */
    public synchronized void destroy() {
        for (String ns : fabricNamespaces()) {
            Netns fabric = new Netns(ns);
            fabric.tryIp("link", "del", VXLAN); // at once, as in removeUnused: the namespace's devices go later
            fabric.delete();
        }
        nodeNs.delete();
        underlayNs.tryIp("link", "del", underlayVeth()); // gone with the node namespace, but the kernel may take a while
        underlayNs.nft("delete table ip " + underlayTable() + "\n");
        readyFabrics.clear();
        programmed.clear();
        ports.clear();
    }

    /** The forwarding entries each fabric network should have; applied at once to the networks this node has. */
    public synchronized void setOverlay(Map<Integer, Set<RemoteNic>> wanted) {
        Set<Integer> vnis = new HashSet<>(wanted.keySet());
        vnis.addAll(programmed.keySet());
        overlay = Map.copyOf(wanted);
        for (int vni : vnis) {
            if (Netns.exists(fabricNetns(vni))) {
                try {
                    programOverlay(vni);
                } catch (GantryException failed) {
                    LOG.error("node {}: cannot program the overlay of VNI {}: {}", node, vni, failed.getMessage());
                }
            }
        }
    }

    /**
     * The machines' firewalls as the views say; those of zones here are applied now where they changed. A view names
     * every placed machine of its tenant, so a zone it does not name keeps what it has.
     */
    public synchronized void setFirewalls(Map<UUID, MachineFirewall> wanted) {
        firewalls = Map.copyOf(wanted);
        for (Map.Entry<UUID, MachineFirewall> e : wanted.entrySet()) {
            String zns = ZoneLayout.netnsOf(node, e.getKey());
            if (!e.getValue().equals(appliedFirewalls.get(e.getKey())) && Netns.exists(zns)) {
                try {
                    firewall.apply(zns, e.getValue());
                    appliedFirewalls.put(e.getKey(), e.getValue());
                } catch (GantryException failed) { // one zone's failure must not keep the others' rules back; tried again next time
                    LOG.error("node {}: cannot apply the firewall of zone {}: {}", node, e.getKey(), failed.getMessage());
                }
            }
        }
    }

    /** The zone's firewall table as nft lists it (empty: none). */
    public String firewallRules(UUID zone) {
        return firewall.list(ZoneLayout.netnsOf(node, zone));
    }

    private void installFirewall(UUID zone, String zns, boolean enabledBySpec) {
        MachineFirewall fw = firewalls.get(zone);
        if (fw != null) {
            firewall.apply(zns, fw);
            appliedFirewalls.put(zone, fw);
        } else if (enabledBySpec) {
            firewall.applyDefault(zns, true);
            appliedFirewalls.remove(zone);
        } // a new namespace has no table, which is what a disabled firewall is

    }

    /** {@code fresh}: the zone's namespace was made just now, so none of its NIC's parts can be there yet. */
    private void attachNic(Netns zns, ZoneLayout zone, int index, Nic nic, boolean fresh) {
        Netns bridgeNs;
        String bridge;
        if (nic.kind() == NetworkKind.FABRIC) {
            bridgeNs = ensureFabric(nic);
            bridge = FABRIC_BRIDGE;
        } else {
            bridgeNs = nodeNs;
            bridge = ensureExternal(nic);
        }
        String eth = "eth" + index;
        ports.computeIfAbsent(bridgeKey(nic), k -> new HashSet<>()).add(hostVeth(nic));
        if (!fresh && zns.linkExists(eth)) {
            return;
        }
        String port = hostVeth(nic);
        if (!fresh) {
            bridgeNs.tryIp("link", "del", port); // a port left by a NIC removed half-way
        }
        zns.ip("link", "add", eth, "type", "veth", "peer", "name", port, "netns", bridgeNs.name());
        bridgeNs.ipBatch(List.of("link set " + port + " mtu " + nic.mtu() + " master " + bridge, "link set " + port + " up"), false);
        antiSpoof(bridgeNs, nic);
        zns.ipBatch(List.of(
                "link set " + eth + " address " + nic.mac() + " mtu " + nic.mtu(),
                "addr replace " + nic.ip() + "/" + nic.prefixLength() + " dev " + eth,
                "link set " + eth + " up"), false);
        if (nic.kind() == NetworkKind.EXTERNAL) {
            externalRoutes(nic, bridge);
        }
    }

    /** The node's and the underlay's routes to an external NIC's address. */
    private void externalRoutes(Nic nic, String bridge) {
        nodeNs.ip("route", "replace", nic.ip() + "/32", "dev", bridge);
        underlayNs.ip("route", "replace", nic.ip() + "/32", "via", hostAddress(nodeUplinkBase() + 2), "dev", underlayVeth());
    }

    /** Loopback up, then per NIC its veth's making ({@code vethAdds}, null: made already), address and link up. */
    private static List<String> interfaceLines(List<Nic> nics, List<String> vethAdds) {
        List<String> lines = new ArrayList<>(List.of("link set lo up"));
        for (int i = 0; i < nics.size(); i++) {
            if (vethAdds.get(i) != null) {
                lines.add(vethAdds.get(i));
            }
            lines.add("addr replace " + nics.get(i).ip() + "/" + nics.get(i).prefixLength() + " dev eth" + i);
            lines.add("link set eth" + i + " up");
        }
        return lines;
    }

    /** The primary NIC's gateway is the default route; another NIC's gateway serves what leaves from its address. */
    private void routes(Netns zns, List<Nic> nics) {
        zns.ipBatch(routeLines(nics, false), true);
    }

    /**
     * {@link #routes}' lines, each tried whatever the others do (a rule to delete may not be there); in a namespace made
     * just now ({@code fresh}) there is no rule nor default route to delete.
     */
    private static List<String> routeLines(List<Nic> nics, boolean fresh) {
        List<String> lines = new ArrayList<>();
        boolean defaultRoute = false;
        for (int i = 0; i < nics.size(); i++) {
            Nic nic = nics.get(i);
            int table = 100 + i;
            if (!fresh) {
                lines.add("rule del priority " + table);
            }
            if (nic.gateway() == null) {
                continue;
            }
            if (nic.primary() && !defaultRoute) {
                lines.add("route replace default via " + nic.gateway() + " dev eth" + i);
                defaultRoute = true;
            } else {
                lines.add("route replace default via " + nic.gateway() + " dev eth" + i + " table " + table);
                lines.add("rule add from " + nic.ip() + " lookup " + table + " priority " + table);
            }
        }
        if (!defaultRoute && !fresh) {
            lines.add("route del default");
        }
        return lines;
    }

    private void removeNic(Nic nic) {
        Netns bridgeNs = bridgeNs(nic);
        if (!bridgeNs.exists()) {
            return;
        }
        String element = "delete element bridge %1$s zone_ports { \"%2$s\" }\n".formatted(TABLE, hostVeth(nic));
        String chain = "delete chain bridge %s %s\n".formatted(TABLE, portChain(nic));
        // the port's chain is matched by the port's name, not its device: it goes beside the veth
        CompletableFuture<Void> rules = CompletableFuture.runAsync(() -> {
            if (!bridgeNs.nft(element + chain).ok()) { // one transaction; if a part was gone already, each on its own
                bridgeNs.nft(element);
                bridgeNs.nft(chain);
            }
        }, beside);
        try {
            bridgeNs.tryIp("link", "del", hostVeth(nic));
        } finally {
            join(rules);
        }
        Set<String> left = ports.get(bridgeKey(nic));
        if (left != null) {
            left.remove(hostVeth(nic));
        }
        if (nic.kind() == NetworkKind.EXTERNAL) {
            nodeNs.tryIp("route", "del", nic.ip() + "/32");
            underlayNs.tryIp("route", "del", nic.ip() + "/32", "dev", underlayVeth());
        }
    }

    /** Waits for a command run beside; its failure is this thread's. */
    private static void join(CompletableFuture<Void> work) {
        try {
            work.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void removeUnused(List<Nic> nics) {
        for (Nic nic : nics) {
            if (!ports.getOrDefault(bridgeKey(nic), Set.of()).isEmpty()) {
                continue; // a zone of this process still has a port there; only an empty count is checked on the host
            }
            if (nic.kind() == NetworkKind.FABRIC) {
                Netns ns = new Netns(fabricNetns(nic.vni()));
                if (ns.exists() && ns.bridgePorts(FABRIC_BRIDGE).stream().noneMatch(p -> p.startsWith("vz"))) {
                    nodeNs.tryIp("link", "del", fabricUplink(nic.vni()));
                    // the VXLAN device first, at once: a deleted namespace's devices go in the kernel's own time, and
                    // until then the VNI on the underlay's port is taken, so the network's next zone could not make it
                    ns.tryIp("link", "del", VXLAN);
                    ns.delete();
                    readyFabrics.remove(nic.vni());
                    programmed.remove(nic.vni());
                }
            } else if (nodeNs.exists()) {
                String bridge = externalBridge(nic.network());
                if (nodeNs.linkExists(bridge) && nodeNs.bridgePorts(bridge).stream().noneMatch(p -> p.startsWith("vz"))) {
                    nodeNs.tryIp("link", "del", bridge);
                }
            }
        }
    }

    private static String bridgeKey(Nic nic) {
        return nic.kind() == NetworkKind.FABRIC ? "f" + nic.vni() : externalBridge(nic.network());
    }

    private Netns bridgeNs(Nic nic) {
        return nic.kind() == NetworkKind.FABRIC ? new Netns(fabricNetns(nic.vni())) : nodeNs;
    }

    /** The fabric network's namespace, made (bridge, VXLAN device, uplink) where it or a part of it is missing. */
    private Netns ensureFabric(Nic nic) {
        int vni = nic.vni();
        Netns ns = new Netns(fabricNetns(vni));
        if (readyFabrics.contains(vni) && ns.exists()) {
            return ns;
        }
        ns.create();
        if (!ns.linkExists(FABRIC_BRIDGE)) {
            List<String> lines = new ArrayList<>(List.of(
                    "link add " + FABRIC_BRIDGE + " type bridge",
                    "link set " + FABRIC_BRIDGE + " address " + gatewayMac(vni) + " mtu " + nic.mtu()));
            if (nic.gateway() != null) {
                lines.add("addr replace " + nic.gateway() + "/" + nic.prefixLength() + " dev " + FABRIC_BRIDGE);
            }
            lines.add("link set " + FABRIC_BRIDGE + " up");
            ns.ipBatch(lines, false);
            ns.sysctl("net/ipv4/ip_forward", "1");
            bridgeBase(ns);
            ns.nftOrThrow("""
                    add table inet %1$s
                    add chain inet %1$s forward { type filter hook forward priority 0; policy drop; }
                    flush chain inet %1$s forward
                    add rule inet %1$s forward ct state established,related accept
                    add table ip %1$s_nat
                    add chain ip %1$s_nat post { type nat hook postrouting priority 100; }
                    flush chain ip %1$s_nat post
                    """.formatted(TABLE) + (nic.nat() ? """
                    add rule inet %1$s forward iifname "%2$s" oifname "%3$s" accept
                    add rule ip %1$s_nat post oifname "%3$s" masquerade
                    """.formatted(TABLE, FABRIC_BRIDGE, FABRIC_UPLINK) : ""));
        }
        if (!ns.linkExists(VXLAN)) {
            requireUnderlayMtu(nic.mtu());
            String made = "gt" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
            underlayNs.ip("link", "add", made, "type", "vxlan", "id", Integer.toString(vni), "local", underlay.ip(),
                    "dstport", Integer.toString(underlay.vxlanPort()), "nolearning", "proxy");
            try {
                underlayNs.ip("link", "set", made, "netns", ns.name());
            } catch (GantryException e) {
                underlayNs.tryIp("link", "del", made);
                throw e;
            }
            ns.ipBatch(List.of("link set " + made + " name " + VXLAN,
                    "link set " + VXLAN + " mtu " + nic.mtu() + " master " + FABRIC_BRIDGE,
                    "link set " + VXLAN + " up"), false);
            programmed.remove(vni);
        }
        if (nic.nat() && !nodeNs.linkExists(fabricUplink(vni))) {
            ensureNodeUplink();
            int base = freeSlot(nodeNs, FABRIC_LINKS, 8192);
            nodeNs.ip("link", "add", fabricUplink(vni), "type", "veth", "peer", "name", FABRIC_UPLINK, "netns", ns.name());
            nodeNs.ipBatch(List.of("addr add " + hostAddress(base + 1) + "/30 dev " + fabricUplink(vni),
                    "link set " + fabricUplink(vni) + " up"), false);
            ns.ipBatch(List.of("addr add " + hostAddress(base + 2) + "/30 dev " + FABRIC_UPLINK,
                    "link set " + FABRIC_UPLINK + " up",
                    "route replace default via " + hostAddress(base + 1)), false);
        }
        programOverlay(vni);
        readyFabrics.add(vni);
        return ns;
    }

    /** The external network's bridge in the node namespace, with its gateway address. */
    private String ensureExternal(Nic nic) {
        ensureNodeUplink();
        String bridge = externalBridge(nic.network());
        if (!nodeNs.linkExists(bridge)) {
            List<String> lines = new ArrayList<>(List.of("link add " + bridge + " type bridge", "link set " + bridge + " mtu " + nic.mtu()));
            if (nic.gateway() != null) {
                lines.add("addr replace " + nic.gateway() + "/" + nic.prefixLength() + " dev " + bridge + " noprefixroute");
            }
            lines.add("link set " + bridge + " up");
            nodeNs.ipBatch(lines, false);
        }
        return bridge;
    }

    /** The node namespace's uplink into the underlay, with the underlay's masquerade of what comes through it. */
    private void ensureNodeUplink() {
        if (nodeNs.linkExists(UPLINK)) {
            return;
        }
        int base = freeSlot(underlayNs, NODE_LINKS, 4096);
        String veth = underlayVeth();
        underlayNs.tryIp("link", "del", veth);
        underlayNs.ip("link", "add", veth, "type", "veth", "peer", "name", UPLINK, "netns", nodeNs.name());
        underlayNs.ipBatch(List.of("addr add " + hostAddress(base + 1) + "/30 dev " + veth, "link set " + veth + " up"), false);
        nodeNs.ipBatch(List.of("addr add " + hostAddress(base + 2) + "/30 dev " + UPLINK, "link set " + UPLINK + " up",
                "route replace default via " + hostAddress(base + 1)), false);
        underlayNs.sysctl("net/ipv4/ip_forward", "1");
        underlayNs.nftOrThrow("""
                add table ip %1$s
                add chain ip %1$s post { type nat hook postrouting priority 100; }
                flush chain ip %1$s post
                add rule ip %1$s post ip saddr %2$s oifname != "%3$s" masquerade
                """.formatted(underlayTable(), hostAddress(base + 2), veth));
    }

    /** The underlay side's address of the node uplink, read back from the node namespace. */
    private int nodeUplinkBase() {
        for (String[] a : nodeNs.addresses()) {
            if (a[0].equals(UPLINK)) {
                return ipv4(a[2]) - 2;
            }
        }
        throw GantryException.internal("node " + node + " has no uplink into its underlay");
    }

    private void requireUnderlayMtu(int mtu) {
        for (String[] a : underlayNs.addresses()) {
            if (a[2].equals(underlay.ip())) {
                int have = Integer.parseInt(a[1]);
                if (have < mtu + VXLAN_OVERHEAD) {
                    throw GantryException.invalid("the underlay interface " + a[0] + " has MTU " + have + ", too small to carry a "
                            + "network of MTU " + mtu + " over VXLAN (needs " + (mtu + VXLAN_OVERHEAD) + ")");
                }
                return;
            }
        }
        throw GantryException.invalid("the underlay address " + underlay.ip() + " is on no interface of "
                + (underlay.netns() == null ? "this host" : "network namespace " + underlay.netns()) + " (--underlay-ip)");
    }

    /** Applies the difference between a fabric network's wanted and programmed entries. */
    private void programOverlay(int vni) {
        Netns ns = new Netns(fabricNetns(vni));
        Set<RemoteNic> want = overlay.getOrDefault(vni, Set.of());
        Set<RemoteNic> have = programmed.getOrDefault(vni, Set.of());
        List<String> fdb = new ArrayList<>();
        List<String> neigh = new ArrayList<>();
        for (RemoteNic gone : have) {
            if (!want.contains(gone)) {
                fdb.add("fdb del " + gone.mac() + " dev " + VXLAN + " self");
                neigh.add("neigh del " + gone.ip() + " dev " + VXLAN);
            }
        }
        for (RemoteNic added : want) {
            if (!have.contains(added)) {
                fdb.add("fdb replace " + added.mac() + " dev " + VXLAN + " dst " + added.underlayIp() + " port " + added.port()
                        + " self permanent");
                neigh.add("neigh replace " + added.ip() + " lladdr " + added.mac() + " dev " + VXLAN + " nud permanent");
            }
        }
        ns.bridgeBatch(fdb, true);
        ns.ipBatch(neigh, true);
        programmed.put(vni, Set.copyOf(want));
    }

    private static void bridgeBase(Netns ns) {
        // Where br_netfilter is loaded (Docker loads it), bridged frames would also pass the inet forward chains and be
        // dropped; these sysctls are per namespace, the host's stay as they are.
        ns.sysctlsIfPresent(List.of("net/bridge/bridge-nf-call-iptables", "net/bridge/bridge-nf-call-ip6tables",
                "net/bridge/bridge-nf-call-arptables"), "0");
        ns.nftOrThrow("""
                add table bridge %1$s
                add map bridge %1$s zone_ports { type ifname : verdict; }
                add chain bridge %1$s prerouting { type filter hook prerouting priority -10; policy accept; }
                flush chain bridge %1$s prerouting
                add rule bridge %1$s prerouting iifname vmap @zone_ports
                """.formatted(TABLE));
    }

    private static void antiSpoof(Netns ns, Nic nic) {
        String chain = portChain(nic);
        String port = hostVeth(nic);
        ns.nftOrThrow("""
                add chain bridge %1$s %2$s
                flush chain bridge %1$s %2$s
                add rule bridge %1$s %2$s ether saddr != %3$s counter drop
                add rule bridge %1$s %2$s ether type arp arp saddr ether != %3$s counter drop
                add rule bridge %1$s %2$s ether type arp arp saddr ip != %4$s counter drop
                add rule bridge %1$s %2$s ether type ip ip saddr != %4$s counter drop
                add rule bridge %1$s %2$s ether type ip6 counter drop
                add element bridge %1$s zone_ports { "%5$s" : jump %2$s }
                """.formatted(TABLE, chain, nic.mac(), nic.ip(), port));
    }

    private List<String> fabricNamespaces() {
        String prefix = nodeNs.name() + ".f";
        try (Stream<Path> all = Files.list(Path.of("/run/netns"))) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The first /30 of {@code count} from {@code start} none of whose addresses {@code ns} holds. */
    private static int freeSlot(Netns ns, int start, int count) {
        Set<Integer> used = new HashSet<>();
        for (String[] a : ns.addresses()) {
            used.add(ipv4(a[2]) & ~3);
        }
        for (int k = 0; k < count; k++) {
            int base = start + 4 * k;
            if (!used.contains(base)) {
                return base;
            }
        }
        throw GantryException.internal("no free link addresses left in " + hostAddress(start) + " for node " + "links");
    }

    /** The node side of a zone NIC's veth: at most 15 characters, from the NIC's MAC (unique in the cluster). */
    static String hostVeth(Nic nic) {
        return "vz" + nic.mac().replace(":", "");
    }

    static String portChain(Nic nic) {
        return "p_" + nic.mac().replace(":", "");
    }

    private static String fabricUplink(int vni) {
        return "gu" + vni;
    }

    static String externalBridge(UUID network) {
        return "gx" + hash(network.toString(), 5);
    }

    private String underlayVeth() {
        return "gn" + hash(node, 4);
    }

    private String underlayTable() {
        return "gantry_" + node.replace('-', '_');
    }

    /** The gateway's MAC in a fabric network: the same on every node, so a zone that moves keeps a valid ARP entry. */
    static String gatewayMac(int vni) {
        return String.format("0a:00:00:%02x:%02x:%02x", (vni >> 16) & 0xff, (vni >> 8) & 0xff, vni & 0xff);
    }

    private static String hash(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8) | Integer.parseInt(p[3]);
    }

    static String hostAddress(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    @Override
    public String toString() {
        return "NodeNetwork[" + node + ", " + Objects.toString(underlay) + "]";
    }
}
