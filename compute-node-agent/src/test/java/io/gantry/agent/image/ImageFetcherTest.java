package io.gantry.agent.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.gantry.common.GantryException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's side of an image fetch, against a small real HTTP server that serves one blob with ranges and counts bytes. */
class ImageFetcherTest {
    @TempDir
    Path dir;
    private HttpServer server;
    private byte[] blob;
    private String id;
    /** What the server sends for the blob (the blob itself, unless a test damages it). */
    private volatile byte[] served;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong gets = new AtomicLong();
    private volatile CountDownLatch hold = new CountDownLatch(0);

    @BeforeEach
    void serve() throws Exception {
        assumeTrue(Files.isExecutable(BusyboxImage.DEFAULT_BUSYBOX), "needs busybox-static");
        Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, dir.resolve("busybox.tar"));
        blob = Files.readAllBytes(tarball);
        id = ImageStore.sha256(tarball);
        served = blob;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/blobs/sha256/", exchange -> {
            gets.incrementAndGet();
            try {
                hold.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = served;
            if (!exchange.getRequestURI().getPath().endsWith(id)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            String range = exchange.getRequestHeaders().getFirst("Range");
            int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
            byte[] part = Arrays.copyOfRange(body, from, body.length);
            if (from > 0) {
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
            exchange.sendResponseHeaders(from > 0 ? 206 : 200, part.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(part);
            }
            bytesSent.addAndGet(part.length);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private ImageFetcher fetcher(ImageStore store) {
        return new ImageFetcher(store, dir.resolve("images"), ImageStoreEndpoints.fixed(List.of(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()))));
    }

    @Test
    void aMissingImageIsFetchedVerifiedAndImportedOnce() {
        ImageStore store = new ImageStore(dir.resolve("images"));
        ImageFetcher fetcher = fetcher(store);
        fetcher.ensure(id);
        assertThat(store.findById(id)).isPresent();
        assertThat(Files.exists(fetcher.partial(id))).as("partial file left").isFalse();
        assertThat(bytesSent.get()).isEqualTo(blob.length);
        fetcher.ensure(id);
        assertThat(gets.get()).as("a second use fetches nothing").isEqualTo(1);
    }

    @Test
    void anInterruptedFetchResumesFromThePartialFile() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("images"));
        ImageFetcher fetcher = fetcher(store);
        int n = blob.length / 3;
        Files.createDirectories(dir.resolve("images"));
        Files.write(fetcher.partial(id), Arrays.copyOf(blob, n));
        fetcher.ensure(id);
        assertThat(store.findById(id)).isPresent();
        assertThat(bytesSent.get()).as("only the rest was transferred").isEqualTo(blob.length - n);
    }

    @Test
    void aDamagedBlobFailsTheFetchWithItsReasonAndImportsNothing() {
        byte[] damaged = blob.clone();
        damaged[damaged.length / 2] ^= 1;
        served = damaged;
        ImageStore store = new ImageStore(dir.resolve("images"));
        ImageFetcher fetcher = fetcher(store);
        assertThatThrownBy(() -> fetcher.ensure(id)).isInstanceOf(GantryException.class)
                .hasMessageStartingWith("image " + id + " could not be fetched from http://127.0.0.1:")
                .hasMessageContaining("sha256");
        assertThat(store.list()).isEmpty();
        assertThat(Files.exists(fetcher.partial(id))).as("the damaged download is not kept to resume from").isFalse();
    }

    @Test
    void zonesWaitingForOneImageShareOneFetch() throws Exception {
        ImageStore store = new ImageStore(dir.resolve("images"));
        ImageFetcher fetcher = fetcher(store);
        hold = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> waits = List.of(pool.submit(() -> fetcher.ensure(id)), pool.submit(() -> fetcher.ensure(id)),
                    pool.submit(() -> fetcher.ensure(id)), pool.submit(() -> fetcher.ensure(id)));
            Thread.sleep(500);
            hold.countDown();
            for (Future<?> w : waits) {
                w.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(gets.get()).as("downloads for four waiting zones").isEqualTo(1);
        assertThat(fetcher.fetches()).isEqualTo(1);
        assertThat(store.findById(id)).isPresent();
    }

    @Test
    void withoutAStoreNothingIsFetchedAndTheCallerSaysTheImageIsMissing() {
        ImageStore store = new ImageStore(dir.resolve("images"));
        new ImageFetcher(store, dir.resolve("images"), ImageStoreEndpoints.fixed(List.of())).ensure(id);
        assertThat(store.list()).isEmpty();
        assertThat(gets.get()).isZero();
    }
}
