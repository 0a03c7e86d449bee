package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.LoopbackPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gantry zookeeper}: its refusals in this JVM, and a real standalone server in a child process. */
class ZooKeeperRoleTest {
    @TempDir
    Path dir;

    @Test
    void refusesAnEnsembleItCannotBe() {
        String data = dir.resolve("zk").toString();
        List<List<String>> bad = List.of(
                List.of("zookeeper", "--data-dir", data, "--server", "1=127.0.0.1:2888"),
                List.of("zookeeper", "--data-dir", data, "--server", "1=127.0.0.1:2888:3888,2=127.0.0.1:2889:3889"),
                List.of("zookeeper", "--data-dir", data, "--id", "4", "--server", "1=h:1:2,2=h:3:4,3=h:5:6"),
                List.of("zookeeper", "--data-dir", data, "--server", "1=h:1:2,1=h:3:4,3=h:5:6"),
                List.of("zookeeper", "--data-dir", data, "--tick-ms", "5000"));
        for (List<String> args : bad) {
            GantryRun r = GantryRun.of(args);
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("gantry: ").contains("[InvalidArgument]");
        }
        assertThat(Files.exists(dir.resolve("zk/zoo.cfg"))).as("nothing written for a refused start").isFalse();
    }

    @Test
    void servesStandaloneAndStopsOnSigterm() throws Exception {
        int port = LoopbackPort.free();
        Path data = dir.resolve("zk");
        Process zk = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GantryCommand.class.getName(),
                "zookeeper", "--data-dir", data.toString(), "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("zk.log").toFile()).start();
        try {
            Poll.until(Duration.ofSeconds(60), () -> assertThat(fourLetters(port, "srvr")).contains("Mode: standalone"));
            assertThat(fourLetters(port, "srvr")).contains("Zookeeper version: 3.9.5");
            assertThat(Files.readString(data.resolve("zoo.cfg"))).contains("clientPort=" + port, "clientPortAddress=127.0.0.1", "tickTime=100",
                    "minSessionTimeout=200", "maxSessionTimeout=60000", "initLimit=200", "syncLimit=100");
            assertThat(Files.readString(dir.resolve("zk.log"))).contains("zookeeper standalone on 127.0.0.1:" + port);
        } finally {
            zk.destroy();
            assertThat(zk.waitFor(30, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }

    /**
     * The server's answer to a four-letter word; empty when it does not answer within 2 s. Without the timeouts, a
     * connection the server took while it was still starting and never answered held the poll (and the whole suite) for
     * good: the poll's own deadline cannot interrupt a blocked read.
     */
    private static String fourLetters(int port, String command) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (InputStream in = s.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return "";
        }
    }
}
