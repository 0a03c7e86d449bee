package io.gantry.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A small network of "nodes" on one machine, for overlay and firewall tests: an underlay switch (a network
 * namespace holding a bridge), N node underlay namespaces each joined to it by a veth ({@link #UNDERLAY_DEVICE},
 * address {@code <prefix>.<i+1>/24}, IP forwarding on), and an "outside" namespace on the switch
 * ({@code <prefix>.200/24}) standing for a host on the internet. Each node's underlay namespace plays the
 * node's host: an agent under test is told to use it as its underlay ({@code --underlay-netns}).
 *
 * <p>Every namespace is named {@code glab-<pid>-<random>-<role>}, so labs of tests running side by side never
 * collide; {@link #close()} deletes them (idempotent, also after a failed start), a JVM shutdown hook does if
 * close was never called, and a new lab deletes labs left by JVMs that are gone (killed before their hook ran).
 * IPv6 is off in the lab's namespaces, so the underlay carries only what a test sends (no router or
 * neighbour solicitations). Needs root, iproute2 and busybox-static: see {@link #whyUnavailable()}.
 */
public final class OverlayLab implements AutoCloseable {
    /** The node's interface on the underlay switch, inside {@link #underlayNetns(int)}. */
    public static final String UNDERLAY_DEVICE = "ul0";
    public static final int PREFIX_LENGTH = 24;
    public static final int OUTSIDE_HOST = 200;
    static final String NAME_PREFIX = "glab-";
    private static final Pattern LAB_NAME = Pattern.compile("glab-(\\d+)-[a-z0-9]+-.+");
    private static final Pattern THREE_OCTETS = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){2}");
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);

    private final String id;
    private final String addressPrefix;
    private final int nodes;
    private final int underlayMtu;
    private final List<String> created = new ArrayList<>();
    private final List<TcpBannerListener> listeners = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private OverlayLab(Builder b) {
        this.id = NAME_PREFIX + ProcessHandle.current().pid() + "-" + randomSuffix();
        this.addressPrefix = b.addressPrefix;
        this.nodes = b.nodes;
        this.underlayMtu = b.underlayMtu;
        this.shutdownHook = new Thread(this::close, "overlay-lab-cleanup-" + id);
    }

    /** A lab of {@code nodes} nodes on 192.168.77.0/24, MTU 1500. */
    public static OverlayLab start(int nodes) {
        return builder().nodes(nodes).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Why the lab cannot be built on this host, or empty when it can. Tests skip on it (as on
     * {@code HostProbe.whyNoRealZones()}); {@code -Dgantry.zones.skip=true} skips them on purpose.
     */
    public static Optional<String> whyUnavailable() {
        if (Boolean.getBoolean("gantry.zones.skip")) {
            return Optional.of("network lab tests skipped: -Dgantry.zones.skip=true");
        }
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (run as root, e.g. with sudo)");
        }
        if (!onPath("ip") || !onPath("ss")) {
            missing.add("ip and ss (apt-get install iproute2)");
        }
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            missing.add("/bin/busybox (apt-get install busybox-static)");
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("network lab needs: " + String.join("; ", missing));
    }

    public int nodes() {
        return nodes;
    }

    /** The namespace holding the switch's bridge ({@code br0}) and its ports. */
    public String switchNetns() {
        return id + "-sw";
    }

    public String underlayNetns(int node) {
        checkNode(node);
        return id + "-ul" + node;
    }

    public String underlayIp(int node) {
        checkNode(node);
        return addressPrefix + "." + (node + 1);
    }

    public String outsideNetns() {
        return id + "-out";
    }

    public String outsideIp() {
        return addressPrefix + "." + OUTSIDE_HOST;
    }

    /** The underlay's subnet, e.g. {@code 192.168.77.0/24}. */
    public String underlaySubnet() {
        return addressPrefix + ".0/" + PREFIX_LENGTH;
    }

    public int underlayMtu() {
        return underlayMtu;
    }

    /** Every namespace of this lab, in the order they were made. */
    public synchronized List<String> namespaces() {
        return List.copyOf(created);
    }

    /**
     * A new empty namespace of this lab (loopback up, IPv6 off) named {@code <lab>-<role>}, deleted with the lab:
     * for a test's own stand-ins (a hand-made zone, a node's fabric namespace).
     */
    public String newNamespace(String role) {
        if (role == null || !role.matches("[a-z0-9]{1,20}")) {
            throw new IllegalArgumentException("a namespace role is 1 to 20 of a-z and 0-9, not " + role);
        }
        String ns = id + "-" + role;
        addNamespace(ns);
        return ns;
    }

    /** Runs {@code command} in {@code netns}; fails with its stderr when it exits non-zero. */
    public NetnsShell.Result exec(String netns, String... command) {
        return NetnsShell.in(netns, STEP_TIMEOUT, command).orThrow();
    }

    /** Runs {@code command} in {@code netns} and returns whatever happened. */
    public NetnsShell.Result run(String netns, String... command) {
        return NetnsShell.in(netns, STEP_TIMEOUT, command);
    }

    /** One echo request from {@code netns} to {@code ip}, answered within a second. */
    public boolean ping(String netns, String ip) {
        return NetProbe.ping(netns, ip);
    }

    /**
     * A {@link TcpBannerListener} in {@code netns} (any named namespace: the lab's, an agent's zone's), stopped
     * when the lab closes if not before.
     */
    public synchronized TcpBannerListener listen(String netns, int port) {
        TcpBannerListener l = TcpBannerListener.start(netns, port);
        listeners.add(l);
        return l;
    }

    /**
     * Whether a TCP connection from {@code fromNetns} to {@code ip:port} gets a {@link #listen} listener's
     * banner back within about a second: false for a refused, dropped or silent connection.
     */
    public boolean tcpReachable(String fromNetns, String ip, int port) {
        return NetProbe.tcpReachable(fromNetns, ip, port);
    }

    private OverlayLab build() {
        sweepLabsOfGoneProcesses();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            String sw = switchNetns();
            addNamespace(sw);
            exec(sw, "ip", "link", "add", "br0", "type", "bridge");
            exec(sw, "ip", "link", "set", "br0", "mtu", Integer.toString(underlayMtu), "up");
            for (int i = 0; i < nodes; i++) {
                String ns = underlayNetns(i);
                addNamespace(ns);
                attach(ns, "n" + i, underlayIp(i));
                exec(ns, "/bin/busybox", "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            }
            addNamespace(outsideNetns());
            attach(outsideNetns(), "out", outsideIp());
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void addNamespace(String ns) {
        NetnsShell.host(STEP_TIMEOUT, "ip", "netns", "add", ns).orThrow();
        synchronized (this) {
            created.add(ns);
        }
        exec(ns, "/bin/busybox", "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        exec(ns, "ip", "link", "set", "lo", "up");
    }

    /** A veth from the switch's bridge (port {@code switchPort}) to {@link #UNDERLAY_DEVICE} in {@code ns}. */
    private void attach(String ns, String switchPort, String ip) {
        String sw = switchNetns();
        String mtu = Integer.toString(underlayMtu);
        exec(sw, "ip", "link", "add", switchPort, "mtu", mtu, "type", "veth", "peer", "name", UNDERLAY_DEVICE, "mtu", mtu, "netns", ns);
        exec(sw, "ip", "link", "set", switchPort, "master", "br0", "up");
        exec(ns, "ip", "addr", "add", ip + "/" + PREFIX_LENGTH, "dev", UNDERLAY_DEVICE);
        exec(ns, "ip", "link", "set", UNDERLAY_DEVICE, "up");
    }

    /** Deletes everything the lab made. Safe to call twice and after a failed start. */
    @Override
    public void close() {
        List<TcpBannerListener> toStop;
        List<String> toDelete;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(listeners);
            toDelete = new ArrayList<>(created);
        }
        toStop.forEach(TcpBannerListener::close);
        List<String> left = new ArrayList<>();
        for (int i = toDelete.size() - 1; i >= 0; i--) {
            String ns = toDelete.get(i);
            NetnsShell.host(STEP_TIMEOUT, "ip", "netns", "delete", ns);
            if (Files.exists(NETNS_DIR.resolve(ns))) {
                left.add(ns);
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException ignored) {
            // the JVM is already shutting down (this may be the hook), or the start failed before adding it
        }
        if (!left.isEmpty()) {
            throw new IllegalStateException("network namespaces left behind: " + left);
        }
    }

    /** Namespaces of labs whose JVM died without closing them (SIGKILL, a crashed fork). */
    static void sweepLabsOfGoneProcesses() {
        if (!Files.isDirectory(NETNS_DIR)) {
            return;
        }
        List<String> stale = new ArrayList<>();
        try (Stream<Path> entries = Files.list(NETNS_DIR)) {
            entries.map(p -> p.getFileName().toString()).forEach(name -> {
                Matcher m = LAB_NAME.matcher(name);
                if (m.matches() && !ProcessHandle.of(Long.parseLong(m.group(1))).map(ProcessHandle::isAlive).orElse(false)) {
                    stale.add(name);
                }
            });
        } catch (IOException | NumberFormatException e) {
            return; // a sweep is a courtesy; never fail a test on it
        }
        stale.forEach(ns -> NetnsShell.host(STEP_TIMEOUT, "ip", "netns", "delete", ns));
    }

    private void checkNode(int node) {
        if (node < 0 || node >= nodes) {
            throw new IllegalArgumentException("node " + node + " is not in this lab of " + nodes + " nodes");
        }
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return s.toString();
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0"); // effective uid
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** How to build a lab. */
    public static final class Builder {
        private int nodes = 3;
        private String addressPrefix = "192.168.77";
        private int underlayMtu = 1500;

        private Builder() {
        }

        /** Number of nodes, 1–199 (the outside host is .200). */
        public Builder nodes(int nodes) {
            if (nodes < 1 || nodes >= OUTSIDE_HOST) {
                throw new IllegalArgumentException("a lab has 1 to " + (OUTSIDE_HOST - 1) + " nodes, not " + nodes);
            }
            this.nodes = nodes;
            return this;
        }

        /** The underlay's /24 as its first three octets, e.g. {@code 10.9.8}. */
        public Builder addressPrefix(String threeOctets) {
            if (threeOctets == null || !THREE_OCTETS.matcher(threeOctets).matches()) {
                throw new IllegalArgumentException("an underlay prefix is three octets such as 192.168.77, not " + threeOctets);
            }
            this.addressPrefix = threeOctets;
            return this;
        }

        /** The MTU of the switch and the nodes' underlay links (an overlay needs its own MTU + 50). */
        public Builder underlayMtu(int mtu) {
            if (mtu < 576 || mtu > 9000) {
                throw new IllegalArgumentException("an underlay MTU is 576 to 9000, not " + mtu);
            }
            this.underlayMtu = mtu;
            return this;
        }

        public OverlayLab start() {
            return new OverlayLab(this).build();
        }
    }
}
