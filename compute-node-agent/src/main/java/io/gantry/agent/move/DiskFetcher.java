package io.gantry.agent.move;

import io.gantry.common.GantryException;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The target's side of a disk transfer: streams the source's disk into a file, a block at a time (never the
 * whole disk in memory), hashing every byte; blocks of zeroes are skipped, so a sparse disk stays sparse. The file
 * is kept only if its size and sha256 are the ones the move announced; otherwise it is removed and the fetch
 * refused with one line.
 */
public final class DiskFetcher {
    private static final int BLOCK = 64 * 1024;
    private static final byte[] ZERO = new byte[BLOCK];
    /** A transfer that moves no byte for this long is given up (the node's tasks wait behind it). */
    static final Duration STALL = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Duration stall;

    public DiskFetcher() {
        this(STALL);
    }

    DiskFetcher(Duration stall) {
        this.stall = stall;
    }

    /** Fetches {@code url} with {@code token} into {@code into} (replaced); checks {@code bytes} and {@code sha256}. */
    public void fetch(String url, String token, String sha256, long bytes, Path into) {
        HttpResponse<InputStream> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(stall).header("Authorization", "Bearer " + token)
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException | IllegalArgumentException e) {
            throw GantryException.invalidState("cannot fetch the disk from " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GantryException.internal("interrupted while fetching the disk from " + url);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                String why = new String(body.readNBytes(200), StandardCharsets.UTF_8).strip();
                throw GantryException.invalidState("the source refused the disk (" + response.statusCode() + " " + why + ")");
            }
            String got;
            try (StallWatch watch = new StallWatch(body, stall)) {
                got = copy(watch.counted(), into);
                if (watch.stalled()) {
                    throw new IOException("no byte came for " + stall.toSeconds() + " s");
                }
            }
            long size = Files.size(into);
            if (size != bytes) {
                throw GantryException.invalidState("the disk arrived with " + size + " bytes, the source announced " + bytes);
            }
            if (!got.equalsIgnoreCase(sha256)) {
                throw GantryException.invalidState("the disk's sha256 is " + got + ", the source announced " + sha256 + ": refused");
            }
        } catch (IOException e) {
            deleteQuietly(into);
            throw GantryException.invalidState("the disk transfer from " + url + " broke off: " + e.getMessage());
        } catch (RuntimeException e) {
            deleteQuietly(into);
            throw e;
        }
    }

    /** Writes the stream into {@code into}, leaving holes for blocks of zeroes; answers the sha256 of every byte read. */
    static String copy(InputStream in, Path into) throws IOException {
        MessageDigest digest = sha256();
        byte[] block = new byte[BLOCK];
        long position = 0;
        try (FileChannel out = FileChannel.open(into, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (true) {
                int n = in.readNBytes(block, 0, BLOCK);
                if (n == 0) {
                    break;
                }
                digest.update(block, 0, n);
                if (!zeroes(block, n)) {
                    ByteBuffer buf = ByteBuffer.wrap(block, 0, n);
                    while (buf.hasRemaining()) {
                        out.write(buf, position + buf.position());
                    }
                }
                position += n;
            }
            // a trailing hole: the file must still be as long as the disk
            if (out.size() < position) {
                out.write(ByteBuffer.allocate(1), position - 1);
            }
            out.force(true);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The sha256 of a file, read a block at a time. */
    public static String sha256Of(Path file) {
        MessageDigest digest = sha256();
        byte[] block = new byte[1024 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(block)) > 0) {
                digest.update(block, 0, n);
            }
        } catch (IOException e) {
            throw GantryException.internal("cannot read " + file + ": " + e.getMessage());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static boolean zeroes(byte[] block, int n) {
        return java.util.Arrays.mismatch(block, 0, n, ZERO, 0, n) < 0; // vectorized by the JIT
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the next fetch replaces it
        }
    }

    /**
     * Closes the body if no byte arrives for {@code stall}, which ends a read blocked on it: the HTTP client has no
     * timeout for a body that stops coming.
     */
    private static final class StallWatch implements AutoCloseable {
        private final InputStream body;
        private final java.util.concurrent.atomic.AtomicLong lastByte = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gantry-disk-fetch-watch");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean stalled;

        StallWatch(InputStream body, Duration stall) {
            this.body = body;
            long period = Math.max(100, stall.toMillis() / 10);
            timer.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastByte.get() > stall.toNanos()) {
                    stalled = true;
                    try {
                        body.close();
                    } catch (IOException ignored) {
                        // closed is what we want
                    }
                }
            }, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        InputStream counted() {
            return new java.io.FilterInputStream(body) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    lastByte.set(System.nanoTime());
                    return n;
                }
            };
        }

        boolean stalled() {
            return stalled;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
