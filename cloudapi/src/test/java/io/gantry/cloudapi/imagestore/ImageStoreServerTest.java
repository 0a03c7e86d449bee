package io.gantry.cloudapi.imagestore;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreServerTest {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Vertx vertx;
    private ImageStoreServer server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        server = ImageStoreServer.start(vertx, BlobStore.open(dir), "127.0.0.1", 0, null);
    }

    @AfterEach
    void stop() {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aPutBlobIsServedWholeFromARangeAndByHead() throws Exception {
        byte[] file = bytes(3 * 1024 * 1024 + 17, 1);
        String hex = sha256(file);
        assertThat(put(hex, file).statusCode()).isEqualTo(201);
        assertThat(put(hex, file).statusCode()).as("the same blob again").isEqualTo(200);

        HttpResponse<byte[]> whole = get(hex, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.body()).isEqualTo(file);
        assertThat(whole.headers().firstValueAsLong("Content-Length")).hasValue(file.length);

        HttpResponse<byte[]> rest = get(hex, "bytes=1000-");
        assertThat(rest.statusCode()).isEqualTo(206);
        assertThat(rest.headers().firstValue("Content-Range")).hasValue("bytes 1000-" + (file.length - 1) + "/" + file.length);
        assertThat(rest.body()).isEqualTo(java.util.Arrays.copyOfRange(file, 1000, file.length));
        assertThat(get(hex, "bytes=10-19").body()).isEqualTo(java.util.Arrays.copyOfRange(file, 10, 20));
        assertThat(get(hex, "bytes=" + file.length + "-").statusCode()).as("a range past the end").isEqualTo(416);
        assertThat(server.bytesServed()).isEqualTo(file.length + (file.length - 1000) + 10);

        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(blobUri(hex)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(file.length);
        assertThat(head.body()).isEmpty();
        assertThat(Files.readAllBytes(dir.resolve("blobs/sha256/" + hex))).isEqualTo(file);
    }

    @Test
    void anAbsentBlobIsNotFoundInTheCloudApiErrorFormat() throws Exception {
        HttpResponse<byte[]> r = get("ab".repeat(32), null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new String(r.body())).contains("\"code\":\"ResourceNotFound\"");
        HttpResponse<byte[]> bad = get("not-a-digest", null);
        assertThat(bad.statusCode()).isEqualTo(409);
        assertThat(new String(bad.body())).contains("InvalidArgument");
    }

    @Test
    void aBodyWhoseDigestDiffersIsRefusedAndNothingKept() throws Exception {
        byte[] file = bytes(200_000, 2);
        String other = sha256(bytes(10, 3));
        HttpResponse<String> r = put(other, file);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("\"code\":\"InvalidArgument\"").contains("digest mismatch");
        assertThat(Files.exists(dir.resolve("blobs/sha256/" + other))).isFalse();
        try (var left = Files.list(dir.resolve("tmp"))) {
            assertThat(left).as("temporary files left").isEmpty();
        }
        assertThat(get(other, null).statusCode()).isEqualTo(404);
    }

    @Test
    void concurrentPutsOfOneBlobLeaveItWholeOnce() throws Exception {
        byte[] file = bytes(2 * 1024 * 1024, 4);
        String hex = sha256(file);
        List<CompletableFuture<HttpResponse<String>>> puts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            puts.add(http.sendAsync(HttpRequest.newBuilder(blobUri(hex)).PUT(HttpRequest.BodyPublishers.ofByteArray(file)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var p : puts) {
            statuses.add(p.join().statusCode());
        }
        assertThat(statuses).allMatch(s -> s == 200 || s == 201).contains(201);
        assertThat(Files.readAllBytes(dir.resolve("blobs/sha256/" + hex))).isEqualTo(file);
        try (var blobs = Files.list(dir.resolve("blobs/sha256")); var temps = Files.list(dir.resolve("tmp"))) {
            assertThat(blobs).hasSize(1);
            assertThat(temps).isEmpty();
        }
    }

    @Test
    void anUploadBrokenOffMidwayLeavesNothing() throws Exception {
        byte[] file = bytes(1024 * 1024, 5);
        String hex = sha256(file);
        URI uri = blobUri(hex);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            var out = socket.getOutputStream();
            out.write(("PUT " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Length: " + file.length
                    + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(file, 0, 100_000);
            out.flush();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
                try (var temps = Files.list(dir.resolve("tmp"))) {
                    return temps.findAny().isPresent();
                }
            });
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            try (var temps = Files.list(dir.resolve("tmp"))) {
                assertThat(temps).as("the broken upload's temporary file").isEmpty();
            }
        });
        assertThat(Files.exists(dir.resolve("blobs/sha256/" + hex))).isFalse();
        assertThat(get(hex, null).statusCode()).isEqualTo(404);
    }

    @Test
    void openingTheStoreRemovesWhatACrashLeftInItsTemporaryDirectoryLongAgo() throws Exception {
        Path root = dir.resolve("other");
        BlobStore.open(root);
        Path oldFile = Files.writeString(root.resolve("tmp/old.part"), "half an upload");
        Path oldScratch = Files.createDirectories(root.resolve("tmp/check-1/images/x"));
        Files.writeString(oldScratch.resolve("f"), "unpacked");
        Path fresh = Files.writeString(root.resolve("tmp/fresh.part"), "an upload under way");
        java.nio.file.attribute.FileTime longAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2)));
        Files.setLastModifiedTime(oldFile, longAgo);
        Files.setLastModifiedTime(root.resolve("tmp/check-1"), longAgo);
        BlobStore.open(root);
        assertThat(oldFile).doesNotExist();
        assertThat(root.resolve("tmp/check-1")).doesNotExist();
        assertThat(fresh).exists();
    }

    private URI blobUri(String hex) {
        return URI.create(server.baseUrl() + "/blobs/sha256/" + hex);
    }

    private HttpResponse<String> put(String hex, byte[] body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(blobUri(hex)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<byte[]> get(String hex, String range) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(blobUri(hex)).GET();
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
