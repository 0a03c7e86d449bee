package io.gantry.agent.image;

import io.gantry.common.GantryException;
import io.gantry.common.Image;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an image the node lacks from the control plane's image store on its first use: downloads
 * {@code blobs/sha256/<id>} to {@code <images>/.fetch-<id>.partial}, resuming from the partial file's size after an
 * interrupted transfer or an agent restart, checks its sha256 is the id, imports it into the node's {@link ImageStore}
 * and removes the partial file. However many zones wait for one image, it is fetched once (the others wait for that
 * fetch). A store that fails is followed by the next one known; when all fail the caller gets one line naming them.
 */
public final class ImageFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFetcher.class);
    private static final int BLOCK = 256 * 1024;
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(3);
    /** A transfer that moves no byte for this long is given up. */
    static final Duration STALL = Duration.ofSeconds(60);
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gantry-image-fetch-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** Fetches nothing: the node has the images it has. */
    public static final ImageFetcher NONE = new ImageFetcher(null, null, List::of);

    private final ImageStore images;
    private final Path dir;
    private final ImageStoreEndpoints stores;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong fetches = new AtomicLong();

    /** Fetches into {@code images} (whose directory is {@code dir}) from the stores {@code stores} names. */
    public ImageFetcher(ImageStore images, Path dir, ImageStoreEndpoints stores) {
        this.images = images;
        this.dir = dir;
        this.stores = stores;
    }

    /** Where the download of {@code imageId} is kept until it is whole and imported. */
    public Path partial(String imageId) {
        return dir.resolve(".fetch-" + imageId + ".partial");
    }

    /** Downloads started since this fetcher was made (one per image fetched, whatever the number of waiters). */
    public long fetches() {
        return fetches.get();
    }

    /**
     * Makes sure the node has {@code imageId}, fetching it if it does not and a store is known. Without a store it
     * returns, and the caller's own lookup says the image is missing. A failed fetch is an InvalidState naming the
     * image, the store(s) and why.
     */
    public void ensure(String imageId) {
        if (images == null || imageId == null || !imageId.matches("[0-9a-f]{64}") || images.findById(imageId).isPresent()) {
            return;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(imageId, mine);
        if (running != null) {
            LOG.info("image {}: waiting for its fetch, already under way", imageId.substring(0, 12));
            try {
                running.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            return;
        }
        try {
            if (images.findById(imageId).isEmpty()) {
                fetch(imageId);
            }
            mine.complete(null);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(imageId, mine);
        }
    }

    private void fetch(String id) {
        List<URI> known = stores.current();
        if (known.isEmpty()) {
            return;
        }
        fetches.incrementAndGet();
        List<String> failures = new ArrayList<>();
        for (URI store : known) {
            try {
                download(store, id);
                Path file = partial(id);
                String got = ImageStore.sha256(file);
                if (!got.equals(id)) {
                    Files.deleteIfExists(file);
                    throw new IOException("its sha256 is " + got + ", not the image's id (the store's copy is damaged; nothing was imported)");
                }
                Image image = images.importTarball(file, "img-" + id.substring(0, 12));
                if (!image.id().equals(id)) {
                    throw new IOException("it was imported as " + image.id() + ", not as " + id);
                }
                Files.deleteIfExists(file);
                LOG.info("image {}: fetched from {}, verified and imported", id.substring(0, 12), store);
                return;
            } catch (IOException | GantryException | java.io.UncheckedIOException e) {
                LOG.warn("image {}: fetch from {} failed: {}", id.substring(0, 12), store, e.getMessage());
                failures.add(store + ": " + e.getMessage());
            }
        }
        throw GantryException.invalidState("image " + id + " could not be fetched from " + String.join("; ", failures));
    }

    /** Brings the partial file up to the whole blob, from where it stops. */
    private void download(URI store, String id) throws IOException {
        Files.createDirectories(dir);
        Path file = partial(id);
        long have = Files.exists(file) ? Files.size(file) : 0;
        URI blob = URI.create(store.toString().replaceAll("/+$", "") + "/blobs/sha256/" + id);
        HttpRequest.Builder request = HttpRequest.newBuilder(blob).timeout(STALL).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 416 && have > 0) {
                return; // the partial file is (at least) the whole blob: the digest check says whether it is right
            }
            if (status != 200 && status != 206) {
                String why = new String(body.readNBytes(300), StandardCharsets.UTF_8).strip();
                throw new IOException("HTTP " + status + (why.isEmpty() ? "" : " " + why));
            }
            long from = status == 206 ? have : 0;
            String range = response.headers().firstValue("Content-Range").orElse("");
            if (status == 206 && !range.startsWith("bytes " + have + "-")) {
                throw new IOException("asked for the bytes from " + have + ", the store sent '" + range + "'");
            }
            long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            long total = length < 0 ? -1 : from + length;
            if (from > 0) {
                LOG.info("image {}: resuming its fetch from {} at {} MiB", id.substring(0, 12), store, from >> 20);
            }
            copy(body, file, from, total, id, store);
        }
    }

    private void copy(InputStream body, Path file, long from, long total, String id, URI store) throws IOException {
        AtomicLong moved = new AtomicLong(from);
        AtomicLong lastMoved = new AtomicLong(from);
        AtomicLong lastMove = new AtomicLong(System.nanoTime());
        ScheduledFuture<?> watch = WATCHDOG.scheduleAtFixedRate(() -> {
            long now = System.nanoTime();
            if (moved.get() != lastMoved.get()) {
                lastMoved.set(moved.get());
                lastMove.set(now);
                LOG.info("image {}: {} MiB{} fetched from {}", id.substring(0, 12), moved.get() >> 20,
                        total > 0 ? " of " + (total >> 20) + " MiB (" + (moved.get() * 100 / total) + "%)" : "", store);
            } else if (now - lastMove.get() > STALL.toNanos()) {
                LOG.warn("image {}: no byte from {} for {} s; giving up this transfer", id.substring(0, 12), store, STALL.toSeconds());
                try {
                    body.close();
                } catch (IOException e) {
                    // the read in progress fails either way
                }
            }
        }, PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        StandardOpenOption mode = from > 0 ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            byte[] buffer = new byte[BLOCK];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                moved.addAndGet(n);
            }
        } finally {
            watch.cancel(false);
        }
        if (total > 0 && moved.get() != total) {
            throw new IOException("the transfer stopped at " + moved.get() + " of " + total + " bytes (it resumes from there)");
        }
    }
}
