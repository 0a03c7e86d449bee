package io.gantry.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where the Keycloak server's files are: an unpacked, already augmented distribution that instances
 * only read ({@link InstanceHome} links to it).
 *
 * <p>{@code GANTRY_KEYCLOAK_HOME}, when set, names an unpacked distribution that is used as it is.
 * Otherwise the {@code org.keycloak:keycloak-quarkus-dist} tar.gz from the local Maven repository
 * ({@code maven.repo.local}, else {@code ~/.m2/repository}; the build of this module downloads it)
 * is unpacked once into {@code $XDG_CACHE_HOME/gantry/keycloak-<version>} (default
 * {@code ~/.cache/gantry}) and started once in dev mode there, so that Keycloak's one-time Quarkus
 * augmentation (about 20 s) is done and later starts skip it; the H2 database that start leaves
 * (Keycloak's schema and master realm) is kept as the template every instance's database starts
 * from ({@link InstanceHome}). The work happens in a temporary
 * directory beside the cache, under a file lock, and ends with an atomic rename, so two JVMs (or a
 * killed one) never leave a half-made cache behind.
 */
public final class KeycloakDistribution {
    /** The Keycloak version the build names ({@code keycloak.version} in the root pom). */
    public static final String VERSION = bundledVersion();
    private static final String READY_MARKER = ".gantry-ready";
    private static final String DATABASE_TEMPLATE = "gantry-database-template";
    /** Dev mode's H2 database file under {@code data/h2} ({@code --db=dev-file}). */
    static final String DATABASE_FILE = "keycloakdb.mv.db";

    private KeycloakDistribution() {
    }

    /** The home directory of a ready distribution, making the cache first if it is not there yet. */
    public static Path home(Consumer<String> progress) throws IOException {
        String configured = System.getenv("GANTRY_KEYCLOAK_HOME");
        if (configured != null && !configured.isBlank()) {
            Path home = Path.of(configured);
            if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                throw new IOException("GANTRY_KEYCLOAK_HOME=" + configured + " is not an unpacked Keycloak distribution (no bin/kc.sh)");
            }
            return home;
        }
        return cached(cacheRoot(), tarball(), progress);
    }

    /** The cache in {@code cacheRoot}, made from {@code tarball} if it is not there yet. */
    static synchronized Path cached(Path cacheRoot, Path tarball, Consumer<String> progress) throws IOException {
        Path cache = cacheRoot.resolve("keycloak-" + VERSION);
        if (Files.exists(cache.resolve(READY_MARKER)) && databaseTemplate(cache).isPresent()) {
            return cache;
        }
        Files.createDirectories(cache.getParent());
        // a file lock keeps two JVMs from making the cache at once; synchronized does it for two threads
        try (FileChannel lockFile = FileChannel.open(cache.resolveSibling("keycloak-" + VERSION + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                progress.accept("Keycloak: another process is making " + cache + "; waiting for it");
                lock = lockFile.lock();
            }
            try {
                if (!Files.exists(cache.resolve(READY_MARKER))) {
                    prepare(cache, tarball, progress);
                } else if (databaseTemplate(cache).isEmpty()) {
                    addDatabaseTemplate(cache, progress);
                }
            } finally {
                lock.release();
            }
        }
        return cache;
    }

    /** The distribution's tar.gz in the local Maven repository. */
    public static Path tarball() {
        String repo = System.getProperty("maven.repo.local");
        Path root = repo != null && !repo.isBlank() ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
        return root.resolve("org/keycloak/keycloak-quarkus-dist/" + VERSION + "/keycloak-quarkus-dist-" + VERSION + ".tar.gz");
    }

    static Path cacheRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("gantry");
    }

    /** Called under the lock: no other JVM is making this cache now, so leftovers of a killed one may go. */
    private static void prepare(Path cache, Path tarball, Consumer<String> progress) throws IOException {
        if (!Files.isRegularFile(tarball)) {
            throw new IOException("Keycloak " + VERSION + " is not in the local Maven repository (no " + tarball
                    + "): run ./mvnw -B -pl keycloak dependency:resolve, or set GANTRY_KEYCLOAK_HOME to an unpacked Keycloak "
                    + VERSION);
        }
        try (Stream<Path> siblings = Files.list(cache.getParent())) {
            for (Path stale : siblings.filter(p -> p.getFileName().toString().startsWith(cache.getFileName() + ".tmp-")).toList()) {
                deleteTree(stale);
            }
        }
        deleteTree(cache);
        Path work = cache.resolveSibling(cache.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
        Files.createDirectories(work);
        try {
            long started = System.nanoTime();
            progress.accept("Keycloak: unpacking " + tarball.getFileName() + " into " + cache + " (once)");
            run(work, work.resolve("unpack.log"), "tar", "-xzf", tarball.toString(), "-C", work.toString(), "--strip-components=1");
            progress.accept("Keycloak: augmenting the server for dev mode and making its database template (once, about a minute)");
            OneShotStart.run(work, progress);
            keepDatabaseTemplate(work, work);
            Files.deleteIfExists(work.resolve("unpack.log"));
            Files.writeString(work.resolve(READY_MARKER), VERSION + "\n");
            try {
                Files.move(work, cache, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + work + " to " + cache + ": " + e, e);
            }
            progress.accept("Keycloak: distribution ready in " + cache + " after "
                    + (System.nanoTime() - started) / 1_000_000_000 + " s");
        } finally {
            deleteTree(work);
        }
    }

    /**
     * Keeps the H2 database a one-shot start left in {@code home} (Keycloak's schema and its master
     * realm, no Gantry realm) as the template every instance of {@code distribution} starts from: that
     * spares each start the schema creation and the master realm's set-up, a third of a start.
     */
    private static void keepDatabaseTemplate(Path home, Path distribution) throws IOException {
        Path database = home.resolve("data/h2").resolve(DATABASE_FILE);
        if (!Files.isRegularFile(database)) {
            throw new IOException("Keycloak's one-shot start in " + home + " left no database " + database);
        }
        Path staging = Files.createDirectories(distribution.resolve(DATABASE_TEMPLATE + ".tmp-" + ProcessHandle.current().pid()));
        Files.move(database, staging.resolve(DATABASE_FILE), StandardCopyOption.REPLACE_EXISTING);
        Files.move(staging, distribution.resolve(DATABASE_TEMPLATE), StandardCopyOption.ATOMIC_MOVE);
        deleteTree(home.resolve("data"));
    }

    /**
     * A cache made before there were templates: one more one-shot start in an instance home of its
     * own (instances may be running from the cache meanwhile, so it is not touched but for the new
     * template directory, which appears whole by a rename).
     */
    private static void addDatabaseTemplate(Path cache, Consumer<String> progress) throws IOException {
        progress.accept("Keycloak: making the database template in " + cache + " (once)");
        Path scratch = cache.resolveSibling(cache.getFileName() + ".tmp-template-" + ProcessHandle.current().pid());
        deleteTree(scratch);
        try {
            Path home = InstanceHome.create(scratch, cache, null);
            OneShotStart.run(home, progress);
            keepDatabaseTemplate(home, cache);
        } finally {
            deleteTree(scratch);
        }
    }

    /** The database an instance starts from, if the distribution has one ({@code GANTRY_KEYCLOAK_HOME} has none). */
    static java.util.Optional<Path> databaseTemplate(Path home) {
        Path template = home.resolve(DATABASE_TEMPLATE).resolve(DATABASE_FILE);
        return Files.isRegularFile(template) ? java.util.Optional.of(template) : java.util.Optional.empty();
    }

    static void run(Path dir, Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + LogTail.of(log, 20));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            // Files.walk does not follow links, so a link to the cache is removed, not what it points at
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String bundledVersion() {
        try (InputStream in = KeycloakDistribution.class.getResourceAsStream("keycloak.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("keycloak.properties is missing from the gantry-keycloak jar", e);
        }
    }
}
