package io.gantry.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's upload of an image file to the advertised image stores, against loopback HTTP servers. */
class ImageUploadTest {
    @TempDir
    Path dir;

    private static HttpServer answering(int status, String body, List<String> seen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestBody().readAllBytes().length);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    private static URI base(HttpServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theFileGoesToTheFirstStoreThatTakesItUnderItsDigest() throws Exception {
        Path file = Files.writeString(dir.resolve("image.tar"), "not really a tar");
        String digest = ImageStore.sha256(file);
        List<String> refusedSeen = new CopyOnWriteArrayList<>();
        List<String> takenSeen = new CopyOnWriteArrayList<>();
        HttpServer refusing = answering(500, "{\"code\":\"InternalError\",\"message\":\"disk full\"}", refusedSeen);
        HttpServer taking = answering(201, "", takenSeen);
        try {
            URI down = URI.create("http://127.0.0.1:" + closedPort());
            URI took = new ImageUpload(() -> List.of(down, base(refusing, ""), base(taking, "/store/"))).upload(file, digest);
            assertThat(took).isEqualTo(base(taking, "/store/"));
            assertThat(refusedSeen).containsExactly("PUT /blobs/sha256/" + digest + " 16");
            assertThat(takenSeen).containsExactly("PUT /store/blobs/sha256/" + digest + " 16");
        } finally {
            refusing.stop(0);
            taking.stop(0);
        }
    }

    @Test
    void aDigestMismatchOrNoStoreAtAllFailsWithTheReason() throws Exception {
        Path file = Files.writeString(dir.resolve("image.tar"), "bytes");
        HttpServer mismatch = answering(409, "{\"code\":\"InvalidArgument\",\"message\":\"digest mismatch\"}", new CopyOnWriteArrayList<>());
        try {
            assertThatThrownBy(() -> new ImageUpload(() -> List.of(base(mismatch, ""))).upload(file, "0".repeat(64)))
                    .hasMessageContaining("no image store took the image file").hasMessageContaining("409")
                    .hasMessageContaining("digest mismatch");
        } finally {
            mismatch.stop(0);
        }
        assertThatThrownBy(() -> new ImageUpload(List::of).upload(file, "0".repeat(64)))
                .hasMessageContaining("no image store is advertised")
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidState);
    }

    @Test
    void onlyAbsoluteWebAddressesAreTakenFromTheAdverts() {
        assertThat(ZkImageStores.parseUrl(" http://10.0.0.1:8080/images\n")).contains(URI.create("http://10.0.0.1:8080/images"));
        assertThat(ZkImageStores.parseUrl("https://store.example:443")).isPresent();
        assertThat(ZkImageStores.parseUrl("file:///etc/passwd")).isEmpty();
        assertThat(ZkImageStores.parseUrl("not a url")).isEmpty();
        assertThat(ZkImageStores.parseUrl("")).isEmpty();
    }
}
