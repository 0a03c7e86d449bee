package io.gantry.platform;

import io.gantry.cloudapi.store.DatabaseConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * PostgreSQL started by Gantry itself (zonky's embedded binaries), for `gantry dev`. The data
 * directory is kept between runs, so the record survives a restart.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        return new EmbeddedDatabase(EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setPort(port)
                // zonky is made for tests: it passes -F (fsync off) and synchronous_commit=off. The
                // record must survive a crash, so both go back on (later settings win over -F).
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .start());
    }

    public DatabaseConfig config() {
        return new DatabaseConfig("127.0.0.1", postgres.getPort(), "postgres", "postgres", "postgres", 10);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
