package io.gantry.tls;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a role's certificate and key files (modification time, size and inode, polled) and, when either
 * changes, has the servers' {@link LiveKeyManager} serve the new pair from the next handshake on,
 * without a restart. A pair that does not load is logged and the servers keep the certificate they had.
 */
public final class TlsReloader implements AutoCloseable {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(TlsReloader.class);

    private final Vertx vertx;
    private final TlsFiles files;
    private final LiveKeyManager served;
    private final String role;
    private final ScheduledExecutorService poller;
    private List<Object> seen;

    private TlsReloader(Vertx vertx, TlsFiles files, LiveKeyManager served, String role) {
        this.vertx = vertx;
        this.files = files;
        this.served = served;
        this.role = role;
        this.seen = stamps();
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, role + "-tls-reloader");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts polling {@code files} every {@code interval} for the servers that serve through {@code served}
     * ({@link TlsFiles#serve}); {@code role} names them in the log.
     */
    public static TlsReloader start(Vertx vertx, TlsFiles files, LiveKeyManager served, String role, Duration interval) {
        TlsReloader reloader = new TlsReloader(vertx, files, served, role);
        long ms = interval.toMillis();
        reloader.poller.scheduleWithFixedDelay(reloader::check, ms, ms, TimeUnit.MILLISECONDS);
        return reloader;
    }

    private void check() {
        List<Object> now = stamps();
        if (Objects.equals(now, seen)) {
            return;
        }
        seen = now;
        try {
            served.swap(files.keyManager(vertx));
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: keeping the old TLS certificate: {}", role, e.getMessage());
            return;
        }
        LOG.info("{}: reloaded the TLS certificate {} and key {}", role, files.cert(), files.key());
    }

    private List<Object> stamps() {
        return List.of(stamp(files.cert()), stamp(files.key()));
    }

    /** What tells a changed file: its modification time, size and inode (a file renamed over it is another one). */
    private static List<Object> stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return Arrays.asList(a.lastModifiedTime(), a.size(), a.fileKey());
        } catch (IOException e) {
            return List.of("missing");
        }
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
