package io.gantry.agent.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A disk crosses from one node's {@link DiskServer} to another's {@link DiskFetcher} on loopback, real files, real HTTP. */
class DiskTransferTest {
    private static final String TOKEN = "a-token-of-this-move-only-0123456789";
    private static final long MiB = 1024 * 1024;

    @TempDir
    Path dir;
    private DiskServer server;
    private final DiskFetcher fetcher = new DiskFetcher();
    private final UUID zone = UUID.randomUUID();
    private Path disk;

    @BeforeEach
    void offerASparseDiskWithData() throws IOException {
        server = DiskServer.start(dir.resolve("source"), "127.0.0.1", 0);
        disk = dir.resolve("disk.img");
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(64 * MiB); // a hole at the end, as a fresh zone disk has
            f.seek(5 * MiB);
            f.write(data);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theDiskArrivesWholeAndStaysSparse() throws IOException {
        String url = server.offer(zone, disk, TOKEN);
        Path into = dir.resolve("into.img");
        fetcher.fetch(url, TOKEN, DiskFetcher.sha256Of(disk), Files.size(disk), into);

        assertThat(Files.mismatch(disk, into)).as("byte for byte the same").isEqualTo(-1L);
        assertThat(allocatedBytes(into)).as("holes stay holes").isLessThan(8 * MiB);
        assertThat(url).startsWith("http://127.0.0.1:").endsWith("/disks/" + zone);
    }

    @Test
    void aWrongOrMissingTokenGetsNothing() {
        String url = server.offer(zone, disk, TOKEN);
        Path into = dir.resolve("into.img");
        assertThatThrownBy(() -> fetcher.fetch(url, TOKEN + "x", DiskFetcher.sha256Of(disk), 64 * MiB, into))
                .isInstanceOf(GantryException.class).hasMessageContaining("the source refused the disk (403");
        assertThat(into).doesNotExist();
    }

    @Test
    void aDiskWhoseSha256IsNotTheAnnouncedOneIsRefusedAndRemoved() {
        String url = server.offer(zone, disk, TOKEN);
        Path into = dir.resolve("into.img");
        assertThatThrownBy(() -> fetcher.fetch(url, TOKEN, "00".repeat(32), 64 * MiB, into))
                .isInstanceOf(GantryException.class).hasMessageContaining("the disk's sha256 is ")
                .hasMessageContaining("the source announced " + "00".repeat(32) + ": refused");
        assertThat(into).doesNotExist();
    }

    @Test
    void aWithdrawnOfferIsGoneAndSurvivesNoRestartButAKeptOneDoes() throws IOException {
        String url = server.offer(zone, disk, TOKEN);
        server.close();
        server = DiskServer.start(dir.resolve("source"), "127.0.0.1", 0);
        String again = url.replaceFirst("127\\.0\\.0\\.1:\\d+", server.baseUrl().substring("http://".length()));
        Path into = dir.resolve("into.img");
        fetcher.fetch(again, TOKEN, DiskFetcher.sha256Of(disk), Files.size(disk), into);
        assertThat(Files.mismatch(disk, into)).as("an offer outlives a restart of its agent").isEqualTo(-1L);

        server.withdraw(zone);
        assertThatThrownBy(() -> fetcher.fetch(again, TOKEN, DiskFetcher.sha256Of(disk), 64 * MiB, dir.resolve("no.img")))
                .hasMessageContaining("(404 no disk of zone " + zone + " is offered here)");
    }

    @Test
    void theOfferFileHoldsNoToken() throws IOException {
        server.offer(zone, disk, TOKEN);
        assertThat(Files.readString(dir.resolve("source/exports/" + zone + ".json"))).doesNotContain(TOKEN)
                .contains(DiskServer.sha256(TOKEN));
    }

    @Test
    void aSourceThatStopsSendingIsGivenUpAndNothingIsKept() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread source = new Thread(() -> {
                try (var s = silent.accept()) {
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n" + "x".repeat(1000))
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(10_000); // then nothing more
                } catch (Exception e) {
                    // the fetcher hung up: expected
                }
            });
            source.setDaemon(true);
            source.start();
            Path into = dir.resolve("stalled.img");
            long t = System.nanoTime();
            assertThatThrownBy(() -> new DiskFetcher(java.time.Duration.ofSeconds(1)).fetch("http://127.0.0.1:" + silent.getLocalPort()
                    + "/disks/" + zone, TOKEN, "00".repeat(32), 1048576, into))
                    .isInstanceOf(GantryException.class).hasMessageContaining("broke off");
            assertThat((System.nanoTime() - t) / 1_000_000).as("given up after the stall, not the source's 10 s").isLessThan(8_000);
            assertThat(into).doesNotExist();
        }
    }

    private static long allocatedBytes(Path file) {
        return Long.parseLong(Cmd.check("du", "--block-size=1", file.toString()).stdout().split("\\s+")[0]);
    }
}
