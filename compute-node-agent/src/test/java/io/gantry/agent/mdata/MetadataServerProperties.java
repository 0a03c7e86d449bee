package io.gantry.agent.mdata;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.mdata.MetadataProtocol.Answer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;

/** Whatever a zone writes, the parser never throws and the server answers the next good request. */
class MetadataServerProperties {
    private static final UUID ZONE = UUID.randomUUID();
    private static Path dir;
    private static MetadataServer server;
    private static Path socket;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("mdata-fuzz-");
        socket = dir.resolve("metadata.sock");
        server = new MetadataServer((zone, request) -> CompletableFuture.completedFuture(
                request.op() == MetadataProtocol.Op.GET && request.key().equals("k") ? Answer.success("v") : Answer.notFound()));
        server.listen(ZONE, socket);
    }

    @AfterContainer
    static void stop() {
        server.close();
        Cmd.run("rm", "-rf", dir.toString());
    }

    @Property(tries = 300)
    void parsingNeverThrows(@ForAll String line) {
        assertThat(MetadataProtocol.parse(line)).isNotNull();
    }

    @Property(tries = 300)
    void mangledFramesNeverParseAsAnotherRequest(@ForAll @Size(min = 1, max = 40) String key, @ForAll int position, @ForAll char replacement) {
        String frame = MetadataProtocol.frame("0a1b2c3d GET " + MetadataProtocol.encode(key)).strip();
        int at = 3 + Math.floorMod(position, frame.length() - 3);
        String mangled = frame.substring(0, at) + replacement + frame.substring(at + 1);
        MetadataProtocol.Line parsed = MetadataProtocol.parse(mangled);
        if (parsed instanceof MetadataProtocol.Request r && r.op() != null) {
            assertThat(mangled).as("only an unchanged frame is a request").isEqualTo(frame);
            assertThat(r.key()).isEqualTo(key);
        }
    }

    @Property(tries = 100)
    void anyBytesThenAGoodRequest(@ForAll @Size(max = 3000) byte[] junk) throws IOException {
        try (RawClient c = RawClient.connect(socket)) {
            c.send(new String(junk, StandardCharsets.ISO_8859_1) + "\n");
            String first = c.readLine();
            assertThat(first).isNotNull();
        }
        try (RawClient c = RawClient.connect(socket)) {
            assertThat(c.get("k")).isEqualTo("v");
        }
    }
}
