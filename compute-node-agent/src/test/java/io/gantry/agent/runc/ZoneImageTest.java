package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.ImageMaker;
import io.gantry.agent.image.ImageUpload;
import io.gantry.agent.image.ZoneImageMaker;
import io.gantry.agent.coord.TaskExecutor;
import io.gantry.agent.move.ZoneMover;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Images made from zones (CreateImageFromMachine's node side): export, import, upload, and a zone booted from the result. */
class ZoneImageTest extends RealZonesTest {

    @Test
    void aZoneMadeFromAnExportedRootHasTheZonesFilesAndNotWhatItDeleted() throws IOException {
        Zone source = create("acme", "imgsrc");
        assertThat(sh(source, "mkdir -p /srv/app && echo made-in-zone > /srv/app/hello"
                + " && echo owned > /srv/app/owned && chown 1234:5678 /srv/app/owned"
                + " && rm /etc/os-release && ln -s /srv/app/hello /srv/link").ok()).isTrue();
        assertThatThrownBy(() -> backend.exportRoot(source.uuid(), config.stateDir().resolve("running.tar")))
                .as("a running zone is not exported").extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidState);
        backend.stop(source.uuid(), Duration.ofSeconds(5));

        Path tarball = config.stateDir().resolve("exported.tar");
        backend.exportRoot(source.uuid(), tarball);
        String listing = Cmd.check("tar", "-tvf", tarball.toString(), "--numeric-owner").stdout();
        assertThat(listing).contains("./srv/app/hello").doesNotContain("os-release");
        assertThat(listing.lines().filter(l -> l.endsWith("./.gantry-init"))).as("the bind-mounted init is left out").isEmpty();
        assertThat(listing.lines().filter(l -> l.endsWith("./srv/app/owned")).findFirst().orElseThrow()).contains("1234/5678");

        String imported = backend.images().importTarball(tarball, "made-acme").id();
        Zone copy = backend.create(new ZoneSpec(UUID.randomUUID(), "imgcopy", "acme", imported, Package.custom(64, 100, 64, 64),
                List.of(fabricOf("acme").nic(200)), false));
        assertThat(copy.state()).as(copy.reason()).isEqualTo(ZoneState.RUNNING);
        assertThat(sh(copy, "cat /srv/link").stdout().strip()).isEqualTo("made-in-zone");
        assertThat(sh(copy, "stat -c %u:%g /srv/app/owned").stdout().strip()).isEqualTo("1234:5678");
        assertThat(sh(copy, "test -e /etc/os-release").exitCode()).as("deleted in the zone, absent from its image").isNotZero();
        assertThat(sh(copy, "cat /etc/passwd").stdout()).as("the image's untouched files are there").contains("root:x:0:0");

        backend.delete(copy.uuid());
        backend.delete(source.uuid());
    }

    @Test
    void anImageCreateTaskKeepsTheImageOnTheNodeAndUploadsItUnderItsDigest() throws Exception {
        Map<String, byte[]> stored = new ConcurrentHashMap<>();
        HttpServer store = blobStore(stored);
        try {
            URI base = URI.create("http://127.0.0.1:" + store.getAddress().getPort() + "/images");
            ImageMaker maker = new ZoneImageMaker(backend, backend.images(), config.stateDir().resolve("image-work"),
                    new ImageUpload(() -> List.of(base)));
            TaskExecutor executor = new TaskExecutor(backend, ZoneMover.NONE, maker, Clock.systemUTC());
            Zone zone = create("acme", "tasked");
            assertThat(sh(zone, "echo v1 > /root/version").ok()).isTrue();

            TaskResult running = executor.execute(new NodeTask(UUID.randomUUID(), TaskKind.IMAGE_CREATE, zone.uuid(), null, null, null, Instant.now()));
            assertThat(running.ok()).isFalse();
            assertThat(running.error()).contains("only a stopped zone");
            assertThat(stored).isEmpty();

            backend.stop(zone.uuid(), Duration.ofSeconds(5));
            TaskResult made = executor.execute(new NodeTask(UUID.randomUUID(), TaskKind.IMAGE_CREATE, zone.uuid(), null, null, null, Instant.now()));
            assertThat(made.ok()).as(made.error()).isTrue();
            assertThat(made.state()).as("the machine stays stopped").isEqualTo(ZoneState.STOPPED);
            String digest = made.image().digest();
            assertThat(stored).containsOnlyKeys(digest);
            assertThat(sha256(stored.get(digest))).isEqualTo(digest);
            assertThat(made.image().sizeBytes()).isEqualTo(stored.get(digest).length);
            assertThat(backend.images().findById(digest)).as("kept on the node, to run at once").isPresent();
            assertThat(Files.list(config.stateDir().resolve("image-work")).toList()).as("no temporary file left").isEmpty();

            Zone copy = backend.create(new ZoneSpec(UUID.randomUUID(), "taskcopy", "acme", digest, Package.custom(64, 100, 64, 64),
                    List.of(fabricOf("acme").nic(201)), false));
            assertThat(sh(copy, "cat /root/version").stdout().strip()).isEqualTo("v1");
            backend.delete(copy.uuid());

            TaskResult noStore = new TaskExecutor(backend, ZoneMover.NONE, new ZoneImageMaker(backend, backend.images(),
                    config.stateDir().resolve("image-work"), new ImageUpload(List::of)), Clock.systemUTC())
                    .execute(new NodeTask(UUID.randomUUID(), TaskKind.IMAGE_CREATE, zone.uuid(), null, null, null, Instant.now()));
            assertThat(noStore.ok()).isFalse();
            assertThat(noStore.error()).contains("no image store is advertised");
            backend.delete(zone.uuid());
        } finally {
            store.stop(0);
        }
    }

    /** The image store's PUT as the contract has it (digest checked, 201), enough for the node's side; the real one is the control plane's. */
    private static HttpServer blobStore(Map<String, byte[]> stored) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/images/blobs/sha256/", exchange -> {
            String hex = exchange.getRequestURI().getPath().substring("/images/blobs/sha256/".length());
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = !"PUT".equals(exchange.getRequestMethod()) ? 405 : sha256(body).equals(hex) ? 201 : 409;
            if (status == 201) {
                stored.put(hex, body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
