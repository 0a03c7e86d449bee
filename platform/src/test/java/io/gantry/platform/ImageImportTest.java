package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.common.Json;
import io.gantry.testkit.SignedClient;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code gantry catalog image import} through {@code POST /ops/images} into a real cloud API with an image store: the
 * file lands in the store under its sha256 and in the catalogue with its requirements, which tenants see and which
 * a create honours; the same import again is the same image; other bytes under the same name and version, and a
 * hostile archive, are refused with nothing kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageImportTest {
    private Path work;
    private Path store;
    private ControlPlaneFixture fixture;
    private ControlPlaneFixture.Plane plane;
    private Path adminKey;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("gantry-image-import-");
        store = work.resolve("imagestore");
        fixture = ControlPlaneFixture.start(work.resolve("zookeeper"));
        plane = fixture.planeWithImageStore(store);
        adminKey = plane.operator("admin", work.resolve("keys"));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (plane != null) {
                plane.close();
            }
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    private GantryRun gantry(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--operator-key", adminKey.toString(), "--cloudapi-url", plane.url()));
        return GantryRun.of(all);
    }

    @Test
    void anImportedImageIsStoredByDigestWithItsRequirementsAndImportingItAgainIsTheSameImage() throws Exception {
        assumeTrue(Files.isExecutable(BusyboxImage.DEFAULT_BUSYBOX), "needs busybox-static");
        String name = "bb-" + UUID.randomUUID().toString().substring(0, 8);
        Path tarball = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve(name + ".tar"));
        String sha = sha256(tarball);

        GantryRun imported = gantry("catalog", "image", "import", tarball.toString(), "--name", name, "--version", "1.0.0",
                "--min-memory", "256", "--description", "busybox, imported");
        assertThat(imported.exit()).as(imported.toString()).isZero();
        assertThat(imported.err()).contains("uploading " + name + ".tar: ").contains("(100%)");
        Map<?, ?> image = Json.read(imported.out(), Map.class);
        assertThat(image.get("node_image")).isEqualTo(sha);
        assertThat(image.get("state")).isEqualTo("active");
        assertThat(image.get("requirements")).isEqualTo(Map.of("min_memory", 256));
        assertThat(Files.readAllBytes(store.resolve("blobs/sha256/" + sha))).isEqualTo(Files.readAllBytes(tarball));

        GantryRun again = gantry("catalog", "image", "import", tarball.toString(), "--name", name, "--version", "1.0.0");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(Json.read(again.out(), Map.class).get("id")).as("the same image").isEqualTo(image.get("id"));

        Path gzipped = work.resolve(name + ".tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzipped))) {
            Files.copy(tarball, out);
        }
        GantryRun other = gantry("catalog", "image", "import", gzipped.toString(), "--name", name, "--version", "1.0.0");
        assertThat(other.exit()).as(other.toString()).isEqualTo(2);
        assertThat(other.err()).contains("gantry: image " + name + "@1.0.0 exists with other content");
        assertThat(Files.exists(store.resolve("blobs/sha256/" + sha256(gzipped)))).as("the other bytes kept").isFalse();

        SignedClient tenant = plane.account("t" + UUID.randomUUID().toString().substring(0, 8));
        var seen = tenant.get("/my/images/" + image.get("id"));
        assertThat(seen.status()).as(seen.body()).isEqualTo(200);
        assertThat(seen.json().get("requirements")).isEqualTo(Map.of("min_memory", 256));
        assertThat(seen.json().get("files")).isEqualTo(List.of(Map.of("compression", "none", "sha256", sha,
                "size", (int) Files.size(tarball))));
        var small = tenant.post("/my/machines", Map.of("image", image.get("id"), "package", plane.smallPackage));
        assertThat(small.status()).as(small.body()).isEqualTo(409);
        assertThat(small.json().get("code")).isEqualTo("InvalidArgument");
        assertThat(small.json().get("message").toString()).contains("image " + name + "@1.0.0 needs at least 256 MiB")
                .contains("package " + plane.smallPackage + " has 128 MiB");

        assertThat(gantry("ops", "audit", "--limit", "5").out()).containsPattern("(?m)^\\S+ +admin +image-import +" + name + "@1\\.0\\.0 +ok$");
    }

    @Test
    void aHostileArchiveIsRefusedThroughTheApiAndNothingIsKept() throws Exception {
        Path hostile = work.resolve("hostile.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(hostile))) {
            byte[] evil = "owned\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry("../../etc/gantry-evil");
            entry.setSize(evil.length);
            tar.putArchiveEntry(entry);
            tar.write(evil);
            tar.closeArchiveEntry();
        }
        String name = "evil-" + UUID.randomUUID().toString().substring(0, 8);
        GantryRun refused = gantry("catalog", "image", "import", hostile.toString(), "--name", name, "--version", "1");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).contains("[InvalidArgument]").contains("..");
        assertThat(Files.exists(store.resolve("blobs/sha256/" + sha256(hostile)))).isFalse();
        try (var temps = Files.list(store.resolve("tmp"))) {
            assertThat(temps).as("temporary files and scratch space left").isEmpty();
        }
        assertThat(plane.query("select count(*) from images where name = ?", name).get(0).get(0)).isEqualTo(0L);
        assertThat(Files.exists(Path.of("/etc/gantry-evil"))).isFalse();
    }

    @Test
    void badImportsAreOneLineWithTheirExitCode() {
        GantryRun missing = gantry("catalog", "image", "import", work.resolve("nothing.tar").toString(), "--name", "x", "--version", "1");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).isEqualTo("gantry: no file at " + work.resolve("nothing.tar") + " [InvalidArgument]");
        GantryRun badOs = gantry("catalog", "image", "import", adminKey.toString(), "--name", "x", "--version", "1", "--os", "plan9");
        assertThat(badOs.exit()).isEqualTo(2);
        assertThat(badOs.err()).contains("os must be one of linux, smartos, illumos, bsd, windows, other; got 'plan9'");
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
