package io.gantry.platform;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.common.coord.ZkPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * For the end-to-end test only, where {@code gantry dev} advertises no image store of its own (the control plane's
 * store is another helper's work, merged separately): the image store HTTP contract's PUT and GET of
 * {@code /blobs/sha256/{hex}} on loopback, files kept in a directory, advertised as an ephemeral child of
 * {@link ZkPaths#IMAGE_STORES}. Where a store is already advertised, {@link #ensure} starts nothing and the test
 * uses the real one.
 */
final class StandInImageStore implements AutoCloseable {
    private static final String BLOBS = "/blobs/sha256/";
    private final HttpServer server;

    private StandInImageStore(HttpServer server) {
        this.server = server;
    }

    /** Null when {@code zk} already has an advertised store; else a stand-in, advertised while {@code zk}'s session lasts. */
    static StandInImageStore ensure(CuratorFramework zk, Path dir) throws Exception {
        if (zk.checkExists().forPath(ZkPaths.IMAGE_STORES) != null && !zk.getChildren().forPath(ZkPaths.IMAGE_STORES).isEmpty()) {
            return null;
        }
        Files.createDirectories(dir);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(BLOBS, exchange -> {
            try (exchange) {
                serve(exchange, dir);
            }
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                .forPath(ZkPaths.IMAGE_STORES + "/stand-in", base.getBytes(StandardCharsets.UTF_8));
        return new StandInImageStore(server);
    }

    private static void serve(HttpExchange exchange, Path dir) throws IOException {
        String hex = exchange.getRequestURI().getPath().substring(BLOBS.length());
        if (!hex.matches("[0-9a-f]{64}")) {
            exchange.sendResponseHeaders(404, -1);
            return;
        }
        Path file = dir.resolve(hex);
        if ("PUT".equals(exchange.getRequestMethod())) {
            Path temp = Files.createTempFile(dir, ".put-", "");
            try (InputStream in = new DigestInputStream(exchange.getRequestBody(), MessageDigest.getInstance("SHA-256"))) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                String got = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
                if (!got.equals(hex)) {
                    Files.delete(temp);
                    exchange.sendResponseHeaders(409, -1);
                    return;
                }
                boolean existed = Files.exists(file);
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                exchange.sendResponseHeaders(existed ? 200 : 201, -1);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        } else if ("GET".equals(exchange.getRequestMethod()) && Files.exists(file)) {
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            }
        } else {
            exchange.sendResponseHeaders(404, -1);
        }
    }

    /** The files it holds, by digest. */
    static List<String> held(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
