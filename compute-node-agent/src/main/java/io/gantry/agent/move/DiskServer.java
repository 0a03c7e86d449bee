package io.gantry.agent.move;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.agent.host.DurableFiles;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's side of a disk transfer: a small HTTP server on the node's advertised address that streams an
 * offered zone's disk file ({@code GET /disks/<uuid>}) to a caller presenting the move's token
 * ({@code Authorization: Bearer <token>}). Offers are files under {@code <stateDir>/exports}, holding the disk's
 * path and the token's sha256 (not the token), so they survive an agent restart; one is withdrawn when the move is
 * given up or the zone is deleted. Answers 401 without a token, 403 with a wrong one, 404 for no offer.
 */
public final class DiskServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskServer.class);
    private static final String PATH = "/disks/";

    private record Offer(String disk, String tokenSha256) {
    }

    private final Path offers;
    private final String advertised;
    private final HttpServer server;
    private final ExecutorService workers;

    private DiskServer(Path offers, String advertised, HttpServer server, ExecutorService workers) {
        this.offers = offers;
        this.advertised = advertised;
        this.server = server;
        this.workers = workers;
    }

    /**
     * Listens on {@code address}:{@code port} (0: any free port) and answers URLs on {@code address}; offers live under
     * {@code stateDir/exports}. An advertised address that is not this host's own (a node behind NAT, reached through
     * a forward) is listened for on every interface.
     */
    public static DiskServer start(Path stateDir, String address, int port) {
        try {
            InetSocketAddress listen = isLocal(address) ? new InetSocketAddress(address, port) : new InetSocketAddress(port);
            if (!isLocal(address)) {
                LOG.warn("{} is not an address of this host: disk transfers are served on every interface, port {}", address, port);
            }
            HttpServer server = HttpServer.create(listen, 16);
            ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "gantry-disk-server");
                t.setDaemon(true);
                return t;
            });
            Path offers = stateDir.resolve("exports");
            Files.createDirectories(offers);
            DiskServer disks = new DiskServer(offers, address, server, workers);
            server.createContext(PATH, disks::handle);
            server.setExecutor(workers);
            server.start();
            LOG.info("disk transfers served at {}", disks.baseUrl());
            return disks;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve disk transfers on " + address + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static boolean isLocal(String address) {
        try {
            java.net.InetAddress a = java.net.InetAddress.getByName(address);
            return a.isLoopbackAddress() || a.isAnyLocalAddress() || java.net.NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException e) {
            return false;
        }
    }

    public String baseUrl() {
        String host = advertised.contains(":") ? "[" + advertised + "]" : advertised;
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    /** Offers {@code disk} as the zone's to whoever presents {@code token}; answers its URL. */
    public String offer(UUID zone, Path disk, String token) {
        if (token == null || token.length() < 16) {
            throw GantryException.invalid("a disk transfer needs a token of at least 16 characters");
        }
        DurableFiles.write(offerFile(zone), Json.write(new Offer(disk.toString(), sha256(token))));
        return baseUrl() + PATH + zone;
    }

    public void withdraw(UUID zone) {
        try {
            Files.deleteIfExists(offerFile(zone));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path offerFile(UUID zone) {
        return offers.resolve(zone + ".json");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod())) {
                reply(ex, 405, "only GET");
                return;
            }
            UUID zone;
            try {
                zone = UUID.fromString(ex.getRequestURI().getPath().substring(PATH.length()));
            } catch (IllegalArgumentException e) {
                reply(ex, 404, "no such disk");
                return;
            }
            Offer offer;
            try {
                offer = Json.read(Files.readString(offerFile(zone)), Offer.class);
            } catch (NoSuchFileException e) {
                reply(ex, 404, "no disk of zone " + zone + " is offered here");
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                reply(ex, 401, "a bearer token is required");
                return;
            }
            byte[] presented = sha256(auth.substring("Bearer ".length()).strip()).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(presented, offer.tokenSha256().getBytes(StandardCharsets.US_ASCII))) {
                LOG.warn("disk of zone {} asked for from {} with a wrong token", zone, ex.getRemoteAddress());
                reply(ex, 403, "wrong token");
                return;
            }
            Path disk = Path.of(offer.disk());
            long size;
            try {
                size = Files.size(disk);
            } catch (NoSuchFileException e) {
                reply(ex, 404, "zone " + zone + " has no disk here any more");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
            ex.sendResponseHeaders(200, size);
            try (InputStream in = Files.newInputStream(disk); OutputStream out = ex.getResponseBody()) {
                in.transferTo(out);
            }
            LOG.info("disk of zone {} ({} bytes) sent to {}", zone, size, ex.getRemoteAddress());
        } catch (IOException e) {
            LOG.warn("disk transfer to {} broke off: {}", ex.getRemoteAddress(), e.toString());
        }
    }

    private static void reply(HttpExchange ex, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
