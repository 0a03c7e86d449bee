package io.gantry.platform;

import io.gantry.common.GantryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.server.quorum.QuorumPeerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gantry zookeeper}: one ZooKeeper 3.9 server from the jar Gantry already carries, standalone or
 * one member of an ensemble, so an installation needs no other ZooKeeper package. It writes the
 * server's {@code zoo.cfg} (and {@code myid}) into its data directory and runs ZooKeeper's own main.
 */
@Command(name = "zookeeper", defaultValueProvider = ConfigFile.class,
        description = "Run one ZooKeeper server: standalone, or one member of an ensemble (--server, three or five of them).")
final class ZooKeeperRole implements Callable<Integer> {
    private static final Pattern MEMBER = Pattern.compile("(\\d{1,3})=([^:=\\s]+):(\\d{1,5}):(\\d{1,5})");

    @Option(names = "--id", defaultValue = "${env:GANTRY_ZK_ID:-1}",
            description = "This member's id in --server (default ${DEFAULT-VALUE}; env GANTRY_ZK_ID).")
    int id;

    @Option(names = "--data-dir", defaultValue = "${env:GANTRY_ZK_DATA_DIR:-/var/lib/gantry/zookeeper}",
            description = "Snapshots and transaction log (default ${DEFAULT-VALUE}; env GANTRY_ZK_DATA_DIR).")
    Path dataDir;

    @Option(names = "--host", defaultValue = "${env:GANTRY_ZK_HOST:-127.0.0.1}",
            description = "Address clients connect to (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:GANTRY_ZK_PORT:-2181}", description = "Client port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--server", split = ",", paramLabel = "N=HOST:PEER_PORT:ELECTION_PORT",
            description = "An ensemble member, this one included (repeatable, or comma-separated; none: standalone).")
    List<String> servers = new ArrayList<>();

    @Option(names = "--tick-ms", defaultValue = "${env:GANTRY_ZK_TICK_MS:-" + ZooKeeperTiming.DEFAULT_TICK_MS + "}",
            description = "ZooKeeper's tick: a session ends within one tick after its timeout, and the shortest session is two "
                    + "ticks (the provisioners' 1.5 s sessions need at most 750; default ${DEFAULT-VALUE}).")
    int tickMs;

    @Override
    public Integer call() {
        TreeMap<Integer, String> members = members();
        if (!members.isEmpty() && !members.containsKey(id)) {
            throw GantryException.invalid("--id " + id + " is not one of the --server members " + members.keySet());
        }
        ZooKeeperTiming timing = ZooKeeperTiming.of(tickMs);
        Path config = writeConfiguration(members, timing);
        System.out.println((members.isEmpty() ? "zookeeper standalone" : "zookeeper member " + id + " of " + members.size())
                + " on " + host + ":" + port + ", data in " + dataDir.toAbsolutePath() + " (" + config + ")");
        // ZooKeeper's own main: it runs until the JVM is stopped and exits with its own code on a fatal error
        QuorumPeerMain.main(new String[] {config.toString()});
        return ExitCodes.OK;
    }

    private TreeMap<Integer, String> members() {
        TreeMap<Integer, String> members = new TreeMap<>();
        for (String s : servers) {
            Matcher m = MEMBER.matcher(s.strip());
            if (!m.matches()) {
                throw GantryException.invalid("--server must be N=HOST:PEER_PORT:ELECTION_PORT; got '" + s + "'");
            }
            if (members.put(Integer.parseInt(m.group(1)), m.group(2) + ":" + m.group(3) + ":" + m.group(4)) != null) {
                throw GantryException.invalid("--server " + m.group(1) + " is given twice");
            }
        }
        if (members.size() == 1 || members.size() == 2) {
            throw GantryException.invalid("an ensemble needs at least three --server members (a quorum of two survives one lost); got " + members.size());
        }
        return members;
    }

    private Path writeConfiguration(TreeMap<Integer, String> members, ZooKeeperTiming timing) {
        Path dir = dataDir.toAbsolutePath();
        List<String> lines = new ArrayList<>(List.of(
                "# written by gantry zookeeper at every start; change the options instead",
                "dataDir=" + dir,
                "clientPort=" + port,
                "clientPortAddress=" + host,
                "tickTime=" + timing.tickMs(),
                "initLimit=" + timing.initLimitTicks(),
                "syncLimit=" + timing.syncLimitTicks(),
                "minSessionTimeout=" + timing.minSessionMs(),
                "maxSessionTimeout=" + timing.maxSessionMs(),
                "admin.enableServer=false",
                "4lw.commands.whitelist=ruok,srvr,stat,mntr",
                "autopurge.snapRetainCount=5",
                "autopurge.purgeInterval=24"));
        members.forEach((n, address) -> lines.add("server." + n + "=" + address));
        try {
            Files.createDirectories(dir);
            if (!members.isEmpty()) {
                Files.writeString(dir.resolve("myid"), id + "\n");
            }
            Path config = dir.resolve("zoo.cfg");
            Files.write(config, lines);
            return config;
        } catch (IOException e) {
            throw GantryException.internal("cannot write the ZooKeeper configuration in " + dir + ": " + e.getMessage());
        }
    }
}
