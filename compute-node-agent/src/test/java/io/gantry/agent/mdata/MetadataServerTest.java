package io.gantry.agent.mdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.mdata.MetadataProtocol.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server with a map per zone behind it, driven by the real in-zone tool (the static binary the build makes, told
 * the socket by MDATA_SOCKET) and by raw bytes on the socket.
 */
class MetadataServerTest {
    static final Path TOOL = Paths.get("target/classes/io/gantry/agent/mdata/mdata");

    private final Map<UUID, Map<String, String>> data = new ConcurrentHashMap<>();
    private Path dir;
    private MetadataServer server;

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("mdata-");
        server = new MetadataServer(this::answer);
    }

    @AfterEach
    void stop() {
        server.close();
        Cmd.run("rm", "-rf", dir.toString());
    }

    private CompletableFuture<Answer> answer(UUID zone, MetadataProtocol.Request request) {
        Map<String, String> keys = data.computeIfAbsent(zone, z -> new ConcurrentHashMap<>());
        return CompletableFuture.completedFuture(switch (request.op()) {
            case GET -> keys.containsKey(request.key()) ? Answer.success(keys.get(request.key())) : Answer.notFound();
            case KEYS -> Answer.success(String.join("\n", new TreeMap<>(keys).keySet()));
            case PUT -> {
                if (request.key().startsWith("sdc:")) {
                    yield Answer.failure(request.key() + " is read-only");
                }
                keys.put(request.key(), request.value());
                yield Answer.success("");
            }
            case DELETE -> {
                keys.remove(request.key());
                yield Answer.success("");
            }
        });
    }

    private Path serve(UUID zone) {
        Path socket = dir.resolve(zone.toString().substring(0, 8)).resolve("metadata.sock");
        server.listen(zone, socket);
        return socket;
    }

    /** Runs the tool as {@code name} (a symbolic link by that name: the binary picks its job by argv[0]). */
    static Cmd.Result tool(Path socket, String name, String stdin, String... args) {
        Path link = socket.getParent().resolve(name);
        try {
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, TOOL.toAbsolutePath());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(List.of("env", "MDATA_SOCKET=" + socket, link.toString()));
        command.addAll(List.of(args));
        return Cmd.run(command, stdin, Duration.ofSeconds(30));
    }

    @Test
    void theToolsGetPutListAndDelete() {
        UUID zone = UUID.randomUUID();
        Path socket = serve(zone);
        assertThat(tool(socket, "mdata-get", null, "foo").exitCode()).isEqualTo(1);
        assertThat(tool(socket, "mdata-put", null, "foo", "bar baz").exitCode()).isZero();
        assertThat(tool(socket, "mdata-put", "line one\nline two\n", "script").exitCode()).isZero();
        assertThat(data.get(zone)).containsEntry("foo", "bar baz").containsEntry("script", "line one\nline two\n");
        Cmd.Result got = tool(socket, "mdata-get", null, "foo");
        assertThat(got.exitCode()).isZero();
        assertThat(got.stdout()).isEqualTo("bar baz\n");
        assertThat(tool(socket, "mdata-list", null).stdout()).isEqualTo("foo\nscript\n");
        assertThat(tool(socket, "mdata-delete", null, "foo").exitCode()).isZero();
        assertThat(tool(socket, "mdata-get", null, "foo").exitCode()).isEqualTo(1);
        Cmd.Result refused = tool(socket, "mdata-put", null, "sdc:uuid", "x");
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.stderr()).contains("read-only");
        assertThat(tool(socket, "mdata-get", null).exitCode()).as("usage").isEqualTo(2);
    }

    @Test
    void largeValuesUpToTheLineCap() {
        UUID zone = UUID.randomUUID();
        Path socket = serve(zone);
        String big = "0123456789abcdef\n".repeat(500 * 1024 / 17);
        assertThat(tool(socket, "mdata-put", big, "big").exitCode()).isZero();
        assertThat(tool(socket, "mdata-get", null, "big").stdout()).isEqualTo(big + "\n");
        Cmd.Result tooBig = tool(socket, "mdata-put", big.repeat(2), "bigger");
        assertThat(tooBig.exitCode()).isEqualTo(2);
        assertThat(data.get(zone)).doesNotContainKey("bigger");
        assertThat(tool(socket, "mdata-get", null, "big").exitCode()).as("still served").isZero();
    }

    @Test
    void eachSocketIsOneZone() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Path socketA = serve(a);
        Path socketB = serve(b);
        assertThat(tool(socketA, "mdata-put", null, "secret", "of a").exitCode()).isZero();
        assertThat(tool(socketB, "mdata-get", null, "secret").exitCode()).isEqualTo(1);
        assertThat(tool(socketB, "mdata-list", null).stdout()).isEmpty();
        server.stopListening(a);
        assertThat(Files.exists(socketA)).isFalse();
    }

    @Test
    void manyConcurrentClientsOfManyZones() throws Exception {
        List<UUID> zones = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID zone = UUID.randomUUID();
            zones.add(zone);
            data.put(zone, new ConcurrentHashMap<>(Map.of("me", zone.toString())));
            serve(zone);
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                UUID zone = zones.get(i % zones.size());
                answers.add(pool.submit(() -> {
                    try (RawClient c = RawClient.connect(dir.resolve(zone.toString().substring(0, 8)).resolve("metadata.sock"))) {
                        return c.get("me").equals(zone.toString());
                    }
                }));
            }
            for (Future<Boolean> answer : answers) {
                assertThat(answer.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void malformedInputIsAnsweredAndTheServerServesOn() throws Exception {
        UUID zone = UUID.randomUUID();
        data.put(zone, new ConcurrentHashMap<>(Map.of("k", "v")));
        Path socket = serve(zone);
        try (RawClient c = RawClient.connect(socket)) {
            String good = MetadataProtocol.frame("0a1b2c3d KEYS");
            assertThat(c.ask(good.replace("KEYS", "KEYZ"))).as("bad crc32").isEqualTo("invalid command");
            assertThat(c.ask(good.replace("V2 13", "V2 99"))).as("bad length").isEqualTo("invalid command");
            assertThat(c.ask("\u0000\u00ff garbage\n")).isEqualTo("invalid command");
            assertThat(c.ask(MetadataProtocol.frame("0a1b2c3d FROB"))).contains(" FAILURE ");
            assertThat(c.ask(good)).isEqualTo(MetadataProtocol.frame("0a1b2c3d SUCCESS " + MetadataProtocol.encode("k")).strip());
        }
        try (RawClient c = RawClient.connect(socket)) {
            assertThat(c.askOversized(MetadataServer.MAX_LINE + 4096)).as("a line over the cap closes the connection").isTrue();
        }
        try (RawClient c = RawClient.connect(socket)) {
            assertThat(c.get("k")).isEqualTo("v");
        }
        assertThat(tool(socket, "mdata-get", null, "k").stdout()).isEqualTo("v\n");
    }
}
