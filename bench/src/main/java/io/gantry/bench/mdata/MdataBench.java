package io.gantry.bench.mdata;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.mdata.MetadataProtocol;
import io.gantry.agent.mdata.MetadataService;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.bench.BenchMain;
import io.gantry.bench.BenchResults;
import io.gantry.bench.Samples;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import io.gantry.testkit.TestZooKeeper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mdata-get} round trip inside a zone with many zones on the node: real runc zones of the busybox image, the
 * agent's metadata service on a real ZooKeeper with each machine's metadata published. From inside one zone (a process
 * in all its namespaces, started with nsenter), N × {@code mdata-get} against N × {@code cat} of a file of the zone,
 * the same process start either way; and the protocol round trip alone, from the host on the zone's socket.
 */
@Command(name = "mdata-bench", mixinStandardHelpOptions = true,
        description = "mdata-get round trip inside a zone, with many zones on the node, against reading a file in the zone.")
public final class MdataBench implements Callable<Integer> {
    @Option(names = "--zones", defaultValue = "200", description = "Zones on the node (default ${DEFAULT-VALUE}).")
    int zones;

    @Option(names = "--gets", defaultValue = "1000", description = "Timed requests of each kind (default ${DEFAULT-VALUE}).")
    int gets;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        BenchMain.run(MdataBench::new, "warn", args);
    }

    private static void say(String line) {
        System.out.println("mdata-bench: " + line);
    }

    @Override
    public Integer call() throws Exception {
        if (zones < 1 || gets < 10) {
            System.err.println("mdata-bench: --zones must be at least 1 and --gets at least 10");
            return 2;
        }
        Path stateDir = Files.createTempDirectory("gantry-mdata-bench-");
        String node = "mb" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
        RuncZoneBackend backend = RuncZoneBackend.open(AgentConfig.of(stateDir, node));
        String markdown;
        try (TestZooKeeper zk = TestZooKeeper.start(stateDir.resolve("zk"));
             CuratorFramework client = zk.newClient();
             MetadataService service = MetadataService.start(client, backend)) {
            String image = backend.images().importTarball(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX,
                    stateDir.resolve("busybox.tar")), BusyboxImage.NAME).id();
            Package smallest = Package.custom(32, 100, 32, 32);
            List<Zone> made = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < zones; i++) {
                UUID uuid = UUID.randomUUID();
                ZoneMetadata view = new ZoneMetadata(uuid, 1, "mb" + i, UUID.randomUUID(), "bench",
                        Map.of("k", "value of zone " + i, "user-data", "x".repeat(200)), Map.of(), List.of(), List.of());
                client.create().creatingParentsIfNeeded().forPath(ZkPaths.metadata(uuid), Json.write(view).getBytes(StandardCharsets.UTF_8));
                Zone zone = backend.create(new ZoneSpec(uuid, "mb" + i, "bench", image, smallest));
                if (zone.state() != ZoneState.RUNNING) {
                    throw new IllegalStateException("zone " + i + " did not start: " + zone.reason());
                }
                made.add(zone);
                if ((i + 1) % 50 == 0) {
                    say((i + 1) + " zones running");
                }
            }
            say(String.format(Locale.ROOT, "%d zones made in %.1f s", zones, (System.nanoTime() - started) / 1e9));
            Zone probe = made.get(made.size() - 1);
            long pid = backend.initPid(probe.uuid()).orElseThrow();
            List<String> inZone = List.of("nsenter", "--target", Long.toString(pid), "--mount", "--uts", "--ipc", "--net", "--pid", "--root", "--wd");
            String expected = "value of zone " + (zones - 1) + "\n";
            Samples mdataGet = new Samples();
            Samples readFile = new Samples();
            for (int i = 0; i < gets / 10; i++) { // warm-up
                run(inZone, "/usr/sbin/mdata-get", "k");
                run(inZone, "/bin/cat", "/etc/passwd");
            }
            for (int i = 0; i < gets; i++) {
                boolean getFirst = i % 2 == 0;
                for (int side = 0; side < 2; side++) {
                    boolean get = (side == 0) == getFirst;
                    long t0 = System.nanoTime();
                    String out = get ? run(inZone, "/usr/sbin/mdata-get", "k") : run(inZone, "/bin/cat", "/etc/passwd");
                    long took = System.nanoTime() - t0;
                    if (get && !out.equals(expected)) {
                        throw new IllegalStateException("mdata-get answered '" + out + "'");
                    }
                    (get ? mdataGet : readFile).add(took);
                }
            }
            Samples protocol = new Samples();
            for (int i = 0; i < gets; i++) {
                long t0 = System.nanoTime();
                String value = protocolGet(backend.layout(probe.uuid()).metadataSocket(), "k");
                protocol.add(System.nanoTime() - t0);
                if (!value.equals(expected.strip())) {
                    throw new IllegalStateException("the socket answered '" + value + "'");
                }
            }
            say(String.format(Locale.ROOT, "inside the zone: mdata-get p50 %.2f ms p99 %.2f ms; cat of a file p50 %.2f ms p99 %.2f ms",
                    mdataGet.p50(), mdataGet.p99(), readFile.p50(), readFile.p99()));
            say(String.format(Locale.ROOT, "protocol alone (connect, NEGOTIATE, GET) p50 %.3f ms p99 %.3f ms", protocol.p50(), protocol.p99()));
            markdown = report(mdataGet, readFile, protocol);
        } finally {
            backend.destroyNode();
            Cmd.run("rm", "-rf", "--one-file-system", stateDir.toString());
        }
        BenchResults.publish(markdown, report, MdataBench::say);
        return 0;
    }

    private String report(Samples mdataGet, Samples readFile, Samples protocol) {
        return String.format(Locale.ROOT, """
                # mdata-get round trip with %d zones on the node (%s)

                Inside one zone (a process started by nsenter in all the zone's namespaces), %d timed runs of each, interleaved:

                | what | p50 ms | p99 ms |
                |---|---|---|
                | `mdata-get k` (connect, NEGOTIATE V2, GET, answer) | %.2f | %.2f |
                | `cat /etc/passwd` (baseline: the same process start, a file read) | %.2f | %.2f |
                | the protocol alone, from the host on the zone's socket (Java client) | %.3f | %.3f |

                mdata-get costs %.2f ms (p50) over the baseline.
                """, zones, Instant.now(), gets, mdataGet.p50(), mdataGet.p99(), readFile.p50(), readFile.p99(), protocol.p50(),
                protocol.p99(), mdataGet.p50() - readFile.p50());
    }

    private static String run(List<String> prefix, String... command) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(command));
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** One GET as mdata-get makes it: a new connection, NEGOTIATE V2, the request, its answer. */
    private static String protocolGet(Path socket, String key) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            write(channel, "NEGOTIATE V2\n");
            if (!readLine(channel).equals("V2_OK")) {
                throw new IllegalStateException("no V2_OK");
            }
            write(channel, MetadataProtocol.frame("0000beef GET " + MetadataProtocol.encode(key)));
            String[] answer = readLine(channel).split(" ");
            return new String(java.util.Base64.getDecoder().decode(answer[5]), StandardCharsets.UTF_8);
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private static String readLine(SocketChannel channel) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (true) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new IOException("closed");
            }
            char c = (char) one.get(0);
            if (c == '\n') {
                return line.toString();
            }
            line.append(c);
        }
    }
}
