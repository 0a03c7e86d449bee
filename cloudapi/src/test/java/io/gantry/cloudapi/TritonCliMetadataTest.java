package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.ZoneState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code triton} CLI against the metadata routes: {@code triton instance create --script FILE} (a 100 KiB
 * user-script, sent as {@code metadata.user-script}), {@code triton instance metadata set|list|get|delete} and
 * {@code triton instance rename}. No provisioner runs: the create's job is ended as the provisioner ends it. Skips
 * where the CLI is not installed ({@link TritonCli}).
 */
class TritonCliMetadataTest extends WithTestPlatform {
    private static TritonCli cli;

    @TempDir
    static Path home;

    @BeforeAll
    static void cli() throws Exception {
        cli = TritonCli.open(platform, home);
    }

    @Test
    void aScriptMetadataAndRenameThroughTheTritonCli() throws Exception {
        StringBuilder text = new StringBuilder("#!/bin/sh\n# a long boot script, as configuration management writes them\n");
        for (int i = 0; text.length() < 100 * 1024; i++) {
            text.append("echo \"step ").append(i).append(": 'quoted' \\\"and\\\" tabs\there\" >> /var/log/boot.log\n");
        }
        String script = text.substring(0, 100 * 1024 - 1) + "\n";
        Path file = home.resolve("user-script.sh");
        Files.writeString(file, script, StandardCharsets.UTF_8);

        var created = cli.ok("instance", "create", "-j", "--script", file.toString(), "-m", "user-data=role=web", "-n", "meta1",
                platform.image.toString(), "small").json();
        String id = created.get("id").toString();
        platform.finishJobs(id, ZoneState.RUNNING);

        Map<String, Object> listed = cli.ok("instance", "metadata", "list", "-j", "meta1").json();
        assertThat(listed).containsEntry("user-script", script).containsEntry("user-data", "role=web");
        assertThat(cli.ok("instance", "metadata", "get", "meta1", "user-data").out().trim()).isEqualTo("role=web");

        cli.ok("instance", "metadata", "set", "-q", "meta1", "color=red", "size=large");
        assertThat(cli.api.get("/my/machines/" + id + "/metadata").json()).containsEntry("color", "red").containsEntry("size", "large")
                .containsEntry("user-script", script);
        cli.ok("instance", "metadata", "delete", "-f", "meta1", "color");
        assertThat(cli.api.get("/my/machines/" + id + "/metadata").json()).doesNotContainKey("color").containsKey("size");

        cli.ok("instance", "rename", "meta1", "meta-two");
        assertThat(cli.api.get("/my/machines/" + id).json()).containsEntry("name", "meta-two");
        TritonCli.Run refused = cli.run("instance", "rename", "meta-two", "not_a_hostname");
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("hostname");
        assertThat(cli.api.get("/my/machines/" + id).json()).containsEntry("name", "meta-two");
    }
}
