package io.gantry.cluster;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.Volume;
import io.gantry.testkit.CliJvm;
import io.gantry.testkit.JdbcAccess;
import io.gantry.testkit.docker.Capabilities;
import io.gantry.testkit.docker.HostCommand;
import io.gantry.testkit.docker.LocalDocker;
import io.gantry.testkit.docker.LoopDevices;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * Gantry as a cluster of hosts, each a container on one Docker network the cluster creates: a three-member
 * ZooKeeper ensemble ({@code zk1..3}), PostgreSQL ({@code pg}), two cloud API instances ({@code api1}, {@code api2})
 * behind HAProxy ({@code lb}), two provisioners ({@code prov1}, {@code prov2}), two metering instances
 * ({@code metering1}, {@code metering2}) and three compute nodes ({@code cn1..3}) whose agents run real runc zones
 * (privileged containers with the host's cgroups, loop devices and a real file system for the zones). The test
 * reaches only two published ports on 127.0.0.1: the load balancer and PostgreSQL. {@link #close()} destroys the
 * nodes' zones, keeps every host's log under target/cluster-logs and removes the containers and the network.
 */
public final class GantryCluster implements AutoCloseable {
    static final String PREFIX = "gantry-cluster-";
    static final String SUBNET = "10.213.7.0/24";
    static final String ZK = "zk1:2181,zk2:2181,zk3:2181";
    private static final String DB = "--db-host=pg";
    private static final String DB_PASSWORD = "--db-password=gantry";
    private static final Path NODE_DISKS = Path.of("/var/lib/gantry-cluster/nodes");
    private static final Duration START = Duration.ofMinutes(4);

    private final LocalDocker docker;
    private final ClusterImages images;
    private final Network network;
    private final String networkName;
    private final Map<String, ClusterHost> hosts = new LinkedHashMap<>();
    private final long startMillis;

    private GantryCluster(LocalDocker docker, ClusterImages images) {
        this.docker = docker;
        this.images = images;
        this.networkName = PREFIX + "net";
        removeLeftovers(docker, networkName);
        this.network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName(networkName)
                .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                        new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(SUBNET)))).build();
        long t0 = System.nanoTime();
        try {
            startAll();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.startMillis = (System.nanoTime() - t0) / 1_000_000;
    }

    /** Starts every host, in dependency order (each step's hosts in parallel), and waits until each serves. */
    public static GantryCluster start(LocalDocker docker, ClusterImages images) {
        return new GantryCluster(docker, images);
    }

    private void startAll() {
        String members = IntStream.rangeClosed(1, 3).mapToObj(i -> i + "=zk" + i + ":2888:3888").collect(Collectors.joining(","));
        List<ClusterHost> first = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            first.add(host("zk" + i, images.zookeeper(), "zookeeper member",
                    "--id=" + i, "--host=0.0.0.0", "--port=2181", "--data-dir=/var/lib/zookeeper", "--server=" + members));
        }
        ClusterHost pg = host("pg", images.postgres(), "database system is ready to accept connections");
        pg.container().withExposedPorts(5432);
        first.add(pg);
        startParallel(first);

        // the cloud API migrates the record's schema, which the provisioners and metering use: it goes first
        List<ClusterHost> second = new ArrayList<>();
        List<ClusterHost> third = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            second.add(host("api" + i, images.gantry(), "cloud API on ", "cloudapi", "--host=0.0.0.0", "--port=8080", DB, DB_PASSWORD,
                    "--zk=" + ZK, "--datacenter=cluster-1", "--metering-url=http://metering" + i + ":7090", "--metrics-port=-1"));
            third.add(host("prov" + i, images.gantry(), "joined the election", "provisioner", "--id=prov" + i, "--zk=" + ZK, DB, DB_PASSWORD,
                    "--overprovision-cpu=64", "--metrics-port=-1", "--beat-host=0.0.0.0", "--beat-advertised-host=prov" + i));
            third.add(host("metering" + i, images.gantry(), "joined the election", "metering", "--id=metering" + i, "--zk=" + ZK,
                    "--host=0.0.0.0", "--port=7090", "--advertised-url=http://metering" + i + ":7090", DB, DB_PASSWORD));
        }
        for (int i = 1; i <= 3; i++) {
            second.add(node("cn" + i));
        }
        startParallel(second);
        startParallel(third);

        ClusterHost lb = host("lb", images.haproxy(), "Loading success|haproxy version|New worker");
        lb.container().withExposedPorts(8080)
                .withCopyToContainer(Transferable.of(BalancerConfig.forApis(List.of("api1", "api2"), 8080)), "/etc/haproxy/haproxy.cfg")
                .waitingFor(Wait.forListeningPort().withStartupTimeout(START));
        startParallel(List.of(lb));
    }

    private ClusterHost host(String name, String image, String ready, String... args) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withNetwork(network).withNetworkAliases(name)
                .withCreateContainerCmdModifier(cmd -> cmd.withName(PREFIX + name).withHostName(name))
                .waitingFor(Wait.forLogMessage("(?s).*(" + ready + ").*", 1).withStartupTimeout(START));
        if (args.length > 0) {
            c.withCommand(args);
        }
        ClusterHost h = new ClusterHost(name, c, ready, docker, networkName);
        hosts.put(name, h);
        return h;
    }

    /** A compute node: the agent's container with what a real host gives it to run zones. */
    private ClusterHost node(String name) {
        Path disk = NODE_DISKS.resolve(name);
        try {
            Files.createDirectories(disk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ClusterHost h = host(name, images.gantry(), "taking tasks");
        h.keepsDisksIn(disk);
        List<String> missing = Capabilities.missingOnHost();
        Capability[] drop = java.util.Arrays.stream(Capability.values()).filter(c -> missing.contains(c.name())).toArray(Capability[]::new);
        h.container().withEnv("GANTRY_NODE", name).withEnv("GANTRY_ZK", ZK)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withName(PREFIX + name).withHostName(name).withEntrypoint("/usr/bin/tini", "--", "/opt/gantry/node.sh");
                    cmd.getHostConfig()
                            // every capability this host has (--privileged would ask for some it may lack)
                            .withCapAdd(Capability.ALL).withCapDrop(drop)
                            .withSecurityOpts(List.of("seccomp=unconfined", "apparmor=unconfined"))
                            .withDevices(new Device("rwm", "/dev/loop-control", "/dev/loop-control"))
                            .withDeviceCgroupRules(List.of("b 7:* rmw", "c 10:237 rmw"))
                            .withCgroupnsMode("host")
                            .withBinds(new Bind("/sys/fs/cgroup", new Volume("/sys/fs/cgroup"), AccessMode.rw),
                                    new Bind(disk.toString(), new Volume("/var/lib/gantry"), AccessMode.rw))
                            .withTmpFs(Map.of("/run", "rw,exec", "/tmp", "rw,exec"));
                });
        return h;
    }

    private static void startParallel(List<ClusterHost> group) {
        Startables.deepStart(group.stream().map(ClusterHost::container)).join();
    }

    /** Containers and the network a run that died left behind (only this engine's, by the cluster's names). */
    private static void removeLeftovers(LocalDocker docker, String network) {
        String ids = docker.docker("ps", "-aq", "--filter", "name=^" + PREFIX).output().strip();
        if (!ids.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
            args.addAll(ids.lines().toList());
            docker.docker(args.toArray(String[]::new));
        }
        docker.docker("network", "rm", network);
    }

    /** The load balancer's address as the test reaches it: {@code http://localhost:<published port>}. */
    public String apiUrl() {
        return "http://localhost:" + host("lb").publishedPort(8080);
    }

    /** The record (PostgreSQL) over its published port (looked up at each connection: a restart changes it), as the cloud API's user. */
    public JdbcAccess record() {
        return () -> DriverManager.getConnection("jdbc:postgresql://localhost:" + host("pg").publishedPort(5432) + "/gantry", "gantry", "gantry");
    }

    public ClusterHost host(String name) {
        ClusterHost h = hosts.get(name);
        if (h == null) {
            throw new IllegalArgumentException("no host " + name + " in the cluster (" + hosts.keySet() + ")");
        }
        return h;
    }

    public List<ClusterHost> nodes() {
        return List.of(host("cn1"), host("cn2"), host("cn3"));
    }

    public List<ClusterHost> provisioners() {
        return List.of(host("prov1"), host("prov2"));
    }

    public List<ClusterHost> apis() {
        return List.of(host("api1"), host("api2"));
    }

    public List<ClusterHost> zookeepers() {
        return List.of(host("zk1"), host("zk2"), host("zk3"));
    }

    /** Every host of the control plane: ZooKeeper, PostgreSQL, the cloud APIs, provisioners and metering (not the balancer, a network device). */
    public List<ClusterHost> controlPlane() {
        List<ClusterHost> plane = new ArrayList<>(zookeepers());
        plane.add(host("pg"));
        plane.addAll(apis());
        plane.addAll(provisioners());
        plane.add(host("metering1"));
        plane.add(host("metering2"));
        return plane;
    }

    /**
     * Starts every control-plane host that is not running, in the order they need each other (the ZooKeeper members
     * side by side, PostgreSQL, then the roles side by side), and waits until each serves.
     */
    public void startControlPlane(Duration limit) {
        List<ClusterHost> roles = controlPlane();
        List<ClusterHost> zookeepers = zookeepers();
        roles.removeAll(zookeepers);
        roles.remove(host("pg"));
        inParallel(zookeepers, h -> h.startIfStopped(limit));
        host("pg").startIfStopped(limit);
        inParallel(roles, h -> h.startIfStopped(limit));
    }

    /** Does {@code action} to each host at once; returns when all are done. */
    public static void inParallel(List<ClusterHost> hosts, java.util.function.Consumer<ClusterHost> action) {
        CompletableFuture.allOf(hosts.stream().map(h -> CompletableFuture.runAsync(() -> action.accept(h)))
                .toArray(CompletableFuture[]::new)).join();
    }

    /** How long {@link #start} took, from the first container created until the load balancer served. */
    public long startMillis() {
        return startMillis;
    }

    /** Runs the Gantry CLI on a host of the cluster (a fresh JVM there), e.g. {@code account bootstrap-operator …}. */
    public HostCommand gantry(String host, Duration limit, String... args) {
        List<String> cmd = new ArrayList<>(List.of("java")); // the suite runs hundreds of these
        cmd.addAll(CliJvm.OPTIONS);
        cmd.addAll(List.of("-jar", "/opt/gantry/gantry.jar"));
        cmd.addAll(List.of(args));
        return host(host).exec(limit, cmd.toArray(String[]::new));
    }

    @Override
    public void close() {
        destroyZones();
        Path logs = Path.of("target", "cluster-logs");
        for (ClusterHost h : hosts.values()) {
            try {
                Files.createDirectories(logs);
                Files.writeString(logs.resolve(h.name() + ".log"), h.log());
            } catch (IOException | RuntimeException e) {
                // a host that never started has no log
            }
            h.container().stop();
        }
        network.close();
        LoopDevices.detachAttachedTo(LoopDevices.inodesUnder(NODE_DISKS));
        HostCommand.run("rm", "-rf", "--one-file-system", NODE_DISKS.toString());
    }

    /** Each node removes its zones, their loop devices, cgroups and network namespaces (a killed node is started first). */
    private void destroyZones() {
        List<CompletableFuture<HostCommand>> done = new ArrayList<>();
        for (ClusterHost n : hosts.values()) {
            if (!n.name().startsWith("cn") || n.container().getContainerId() == null) {
                continue;
            }
            done.add(CompletableFuture.supplyAsync(() -> {
                docker.docker("unpause", n.containerName()); // refused unless paused
                if (!n.running()) {
                    docker.docker("start", n.containerName());
                }
                // the agent ends first (it holds the node's state lock while it works); node.sh keeps the host up
                n.exec(Duration.ofSeconds(60), "sh", "-c", "touch /run/gantry-agent.stopped; a=$(cat /run/gantry-agent.pid);"
                        + " kill -TERM $a; while kill -0 $a 2>/dev/null; do sleep 0.2; done");
                return gantry(n.name(), Duration.ofMinutes(3), "--node", n.name(), "--state-dir", "/var/lib/gantry/state", "node", "destroy", "--yes");
            }));
        }
        done.forEach(f -> {
            HostCommand r = f.join();
            if (!r.ok()) {
                System.err.println("cluster: node destroy failed: " + r.output());
            }
        });
    }
}
