package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gantry image import} of a docker save archive: the id on stdout, progress on stderr, damage refused with exit 2. */
class ImageImportCliTest {
    @TempDir
    Path work;

    private GantryRun gantry(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--node", "imgcli", "--state-dir", work.resolve("state").toString()));
        all.addAll(List.of(args));
        return GantryRun.of(all);
    }

    @Test
    void aDockerSaveArchiveImportsWithProgressAndADamagedOneIsRefused() throws Exception {
        assumeTrue(Files.isExecutable(BusyboxImage.DEFAULT_BUSYBOX), "needs busybox-static");
        byte[] base = Files.readAllBytes(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("busybox.tar")));
        byte[] upper = tar(Map.of("etc/.wh.os-release", "", "etc/motd", "layered\n"));
        Path good = dockerSave(work.resolve("good.tar"), base, upper, false);

        GantryRun run = gantry("image", "import", good.toString(), "--name", "layered");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(Cmd.check("sha256sum", good.toString()).stdout().substring(0, 64) + "\n");
        assertThat(run.err().lines()).first().asString().startsWith("gantry image import: checking 2 layers");
        assertThat(run.err().lines()).anyMatch(l -> l.matches("gantry image import: layer 2/2 sha256:[0-9a-f]{12}… \\d+ KiB"));
        JsonNode listed = Json.mapper().readTree(gantry("image", "list", "--json").out()).get(0);
        assertThat(listed.path("name").asText()).isEqualTo("layered");
        assertThat(listed.path("os").asText() + "/" + listed.path("architecture").asText()).isEqualTo("linux/amd64");

        Path bad = dockerSave(work.resolve("bad.tar"), base, upper, true);
        GantryRun refused = gantry("image", "import", bad.toString(), "--name", "damaged");
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        List<String> lines = refused.err().lines().toList();
        assertThat(lines).as("progress, then the one-line error").hasSize(2);
        assertThat(lines.get(1)).startsWith("gantry: refusing " + bad + ": layer 2/2 sha256:")
                .contains("its uncompressed content does not match the config's diff_id").endsWith("[InvalidArgument]");
        assertThat(gantry("image", "list").out()).doesNotContain("damaged");
    }

    /** A docker save archive (classic layout); {@code damage} changes one byte of the upper layer after its diff_id is taken. */
    private static Path dockerSave(Path file, byte[] base, byte[] upper, boolean damage) throws Exception {
        String baseId = sha256(base);
        String upperId = sha256(upper);
        byte[] storedUpper = upper.clone();
        if (damage) {
            storedUpper[600] ^= 1; // inside the motd's content
        }
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:"
                + baseId + "\",\"sha256:" + upperId + "\"]}}";
        String configHex = sha256(config.getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(baseId + "/layer.tar", base);
        files.put(upperId + "/layer.tar", storedUpper);
        files.put(configHex + ".json", config.getBytes(StandardCharsets.UTF_8));
        files.put("manifest.json", ("[{\"Config\":\"" + configHex + ".json\",\"RepoTags\":[\"t:1\"],\"Layers\":[\"" + baseId
                + "/layer.tar\",\"" + upperId + "/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                out.putArchiveEntry(e);
                out.write(f.getValue());
                out.closeArchiveEntry();
            }
        }
        return file;
    }

    private static byte[] tar(Map<String, String> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> f : new java.util.TreeMap<>(files).entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(content.length);
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
