package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.Json;
import io.gantry.common.Package;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OciSpecTest {
    private final ZoneLayout zone = ZoneLayout.of(Path.of("/var/lib/gantry/n1/zones"), UUID.fromString("11111111-2222-3333-4444-555555555555"), "n1");

    private JsonNode spec(Package pkg) {
        return Json.mapper().valueToTree(OciSpec.build(zone, "web1", pkg, Path.of("/var/lib/gantry/n1/tools/zone-init")));
    }

    @Test
    void packageCapsBecomeCgroupLimits() {
        JsonNode r = spec(new Package("p", 256, 512, 0, 50, 100, 1024)).path("linux").path("resources");
        assertThat(r.path("memory").path("limit").asLong()).isEqualTo(256L << 20);
        assertThat(r.path("memory").path("swap").asLong()).isEqualTo(512L << 20);
        assertThat(r.path("cpu").path("quota").asLong()).isEqualTo(50_000);
        assertThat(r.path("cpu").path("period").asLong()).isEqualTo(100_000);
        assertThat(r.path("pids").path("limit").asInt()).isEqualTo(100);
    }

    @Test
    void cgroupsPathIsAbsoluteAndPerNode() {
        // a relative path would put the memory cgroup under the agent's own (zones-on-linux.md §1)
        assertThat(spec(Package.custom(64, 0, 32, 64)).path("linux").path("cgroupsPath").asText())
                .isEqualTo("/gantry-n1/11111111-2222-3333-4444-555555555555");
    }

    @Test
    void zoneJoinsItsOwnNamespacesAndTheNetworkTheAgentMade() {
        JsonNode ns = spec(Package.custom(64, 0, 32, 64)).path("linux").path("namespaces");
        List<String> types = new ArrayList<>();
        ns.forEach(n -> types.add(n.path("type").asText()));
        assertThat(types).containsExactlyInAnyOrder("pid", "ipc", "uts", "mount", "network");
        ns.forEach(n -> {
            if (n.path("type").asText().equals("network")) {
                assertThat(n.path("path").asText()).isEqualTo("/run/netns/gz-n1.11111111-2222-3333-4444-555555555555");
            }
        });
    }

    @Test
    void zoneMayNotAdministerNetworkOrSystem() {
        JsonNode caps = spec(Package.custom(64, 0, 32, 64)).path("process").path("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) {
            List<String> granted = new ArrayList<>();
            caps.path(set).forEach(c -> granted.add(c.asText()));
            assertThat(granted).as(set).contains("CAP_NET_RAW").doesNotContain("CAP_NET_ADMIN", "CAP_SYS_ADMIN", "CAP_SYS_MODULE");
        }
    }

    @Test
    void initIsTiniAndHostnameIsTheAlias() {
        JsonNode spec = spec(Package.custom(64, 0, 32, 64));
        assertThat(spec.path("hostname").asText()).isEqualTo("web1");
        assertThat(spec.path("process").path("args").get(0).asText()).isEqualTo(OciSpec.INIT_PATH);
        assertThat(spec.path("root").path("path").asText()).isEqualTo("/var/lib/gantry/n1/zones/11111111-2222-3333-4444-555555555555/rootfs");
        assertThat(spec.path("process").path("terminal").asBoolean()).isFalse();
    }

    @Test
    void uncappedCpuIsQuotaMinusOne() {
        assertThat(spec(Package.custom(64, 0, 32, 64)).path("linux").path("resources").path("cpu").path("quota").asLong()).isEqualTo(-1);
    }

    @Test
    void aZoneGetsItsMetadataSocketTheToolsAndItsUserScriptAtBoot() {
        JsonNode spec = Json.mapper().valueToTree(OciSpec.build(zone, "web1", Package.custom(64, 0, 32, 64),
                Path.of("/var/lib/gantry/n1/tools/zone-init"), Path.of("/var/lib/gantry/n1/mdata/mdata")));
        List<String> mounts = new ArrayList<>();
        spec.path("mounts").forEach(m -> mounts.add(m.path("destination").asText() + " <- " + m.path("source").asText()
                + (m.path("options").toString().contains("\"ro\"") ? " ro" : "")));
        assertThat(mounts).contains(
                "/native/.zonecontrol <- /run/gantry/n1/mdata/11111111-2222-3333-4444-555555555555 ro",
                "/usr/sbin/mdata-get <- /var/lib/gantry/n1/mdata/mdata ro",
                "/usr/sbin/mdata-put <- /var/lib/gantry/n1/mdata/mdata ro",
                "/usr/sbin/mdata-delete <- /var/lib/gantry/n1/mdata/mdata ro",
                "/usr/sbin/mdata-list <- /var/lib/gantry/n1/mdata/mdata ro");
        JsonNode args = spec.path("process").path("args");
        assertThat(args.get(0).asText()).isEqualTo(OciSpec.INIT_PATH);
        String shell = args.get(args.size() - 1).asText();
        assertThat(shell).startsWith("trap 'exit 0' TERM; ").contains("mdata-get user-script").contains(ZoneMdata.LOG)
                .endsWith("while :; do sleep 3600 & wait $!; done");
    }
}
