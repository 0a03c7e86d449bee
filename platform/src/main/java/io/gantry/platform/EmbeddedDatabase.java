package io.gantry.platform;

import io.gantry.cloudapi.store.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * PostgreSQL started by Gantry itself (zonky's embedded binaries), for `gantry dev`. The data
 * directory is kept between runs, so the record survives a restart. The server is a process of its
 * own: one left running by a launcher killed with SIGKILL is stopped before a new one starts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Stops a PostgreSQL an earlier run left serving {@code dataDir} (see {@link StalePostgres}) and
     * returns its pid; empty if none runs. {@link #start} does this too; call it first to say so, or
     * to free the port before checking it.
     */
    public static OptionalLong stopStale(Path dataDir) {
        return StalePostgres.stop(dataDir);
    }

    /** One line saying a stale server was stopped, for whoever starts the database to print. */
    static String staleStopped(long pid) {
        return "stopped a stale PostgreSQL (pid " + pid + ") left by an earlier run of this data directory";
    }

    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        stopStale(dataDir).ifPresent(pid -> System.out.println("gantry: " + staleStopped(pid) + " (" + dataDir + ")"));
        return new EmbeddedDatabase(EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                // zonky is made for tests: it passes -F (fsync off) and synchronous_commit=off. The
                // record must survive a crash, so both go back on (later settings win over -F).
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setPgBinaryResolver(EmbeddedDatabase::firstOnClasspath)
                // stopped by whoever started it, after the roles that use it; zonky's own shutdown hook would stop it
                // at SIGTERM while they still write (a run that never closes it leaves it to stopStale at the next start)
                .setRegisterShutdownHook(false)
                .start());
    }

    /**
     * The PostgreSQL binaries, as zonky names them ({@code postgres-linux-x86_64.txz}), from the first copy on the
     * classpath. zonky's own resolver refuses two copies, which a test's classpath can hold: the binaries' jar and, through
     * gantry.jar's manifest, the same jar in its lib/.
     */
    private static java.io.InputStream firstOnClasspath(String system, String hardware) {
        String arch = switch (hardware.toLowerCase(java.util.Locale.ROOT)) {
            case "amd64", "x86_64", "x64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> hardware.toLowerCase(java.util.Locale.ROOT);
        };
        String name = "postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + arch + ".txz";
        java.io.InputStream in = EmbeddedDatabase.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("Missing embedded postgres binaries: no " + name + " on the classpath");
        }
        return in;
    }

    public DatabaseConfig config() {
        return new DatabaseConfig("127.0.0.1", postgres.getPort(), "postgres", "postgres", "postgres", 10);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
