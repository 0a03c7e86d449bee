package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.cgroup.Cgroups;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The operator CLI as documented in docs/cli.md, driving real zones. Needs root and runc. */
@Tag("zones")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GantryCliTest {
    private Path stateDir;
    private final String node = "cli" + ProcessHandle.current().pid() % 100000;

    record Run(int exit, String out, String err) {
    }

    private Run gantry(String... args) {
        List<String> all = new ArrayList<>(List.of("--node", node, "--state-dir", stateDir.toString()));
        all.addAll(List.of(args));
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = GantryCommand.run(all.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @BeforeAll
    void setUp() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        stateDir = Files.createTempDirectory("gantry-cli-");
        assertThat(gantry("image", "build-busybox").exit()).isZero();
    }

    @AfterAll
    void tearDown() {
        if (stateDir != null) {
            gantry("node", "destroy", "--yes");
            Cmd.check("rm", "-rf", "--one-file-system", stateDir.toString());
        }
    }

    @Test
    void operatorDrivesAZoneThroughItsWholeLifeFromTheCommandLine() {
        Run images = gantry("image", "list");
        assertThat(images.out()).contains("busybox");

        Run create = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--alias", "cli1",
                "--memory", "64", "--cpu-cap", "50", "--lwps", "64", "--disk", "64M");
        assertThat(create.exit()).as(create.err()).isZero();
        String uuid = create.out().strip();
        assertThat(uuid).matches("[0-9a-f-]{36}");

        JsonNode zone = Json.read(gantry("zone", "get", uuid, "--json").out(), JsonNode.class);
        assertThat(zone.path("state").asText()).isEqualTo("running");
        assertThat(zone.path("alias").asText()).isEqualTo("cli1");
        assertThat(zone.path("max_physical_memory").asInt()).isEqualTo(64);
        assertThat(zone.path("cpu_cap").asInt()).isEqualTo(50);
        assertThat(zone.path("quota_mib").asInt()).isEqualTo(64);
        assertThat(zone.path("ip").asText()).startsWith("10.200.");

        assertThat(gantry("zone", "list").out()).contains(uuid).contains("running");
        JsonNode list = Json.read(gantry("zone", "list", "--json").out(), JsonNode.class);
        assertThat(list.isArray()).isTrue();

        assertThat(gantry("zone", "update", uuid, "--memory", "128").exit()).isZero();
        assertThat(Json.read(gantry("zone", "stats", uuid).out(), JsonNode.class).path("memoryLimitBytes").asLong()).isEqualTo(128L << 20);

        assertThat(gantry("zone", "stop", uuid).exit()).isZero();
        assertThat(Json.read(gantry("zone", "get", uuid).out(), JsonNode.class).path("state").asText()).isEqualTo("stopped");
        assertThat(gantry("zone", "start", uuid).exit()).isZero();
        assertThat(gantry("zone", "reboot", uuid).exit()).isZero();
        assertThat(gantry("zone", "delete", uuid).exit()).isZero();
        assertThat(gantry("zone", "get", uuid).exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void createIsIdempotentOnAGivenUuid() {
        String id = "6f1c3d2e-0000-4000-8000-00000000c11a";
        String[] args = {"zone", "create", "--image", "busybox", "--tenant", "acme", "--uuid", id, "--memory", "32", "--disk", "32M"};
        assertThat(gantry(args).out().strip()).isEqualTo(id);
        assertThat(gantry(args).out().strip()).isEqualTo(id);
        assertThat(gantry("zone", "delete", id).exit()).isZero();
    }

    @Test
    void errorsAreOneLineWithAStableCodeAndExitStatus() {
        Run badUuid = gantry("zone", "get", "not-a-uuid");
        assertThat(badUuid.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUuid.err().strip()).isEqualTo("gantry: 'not-a-uuid' is not a UUID (expected the form 8-4-4-4-12 hex digits) [InvalidArgument]");

        Run missing = gantry("zone", "stop", "00000000-0000-4000-8000-000000000000");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("does not exist on this node").doesNotContain("Exception");

        Run badImage = gantry("zone", "create", "--image", "windows", "--tenant", "acme");
        assertThat(badImage.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(badImage.err()).contains("no image named or with id 'windows'");

        Run badSize = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--disk", "huge");
        assertThat(badSize.err()).contains("'huge' is not a size");

        Run tooSmall = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--memory", "4");
        assertThat(tooSmall.err()).contains("memory must be at least 16 MiB, got 4");

        Run noCommand = gantry("zone", "exec", "00000000-0000-4000-8000-000000000000");
        assertThat(noCommand.err()).contains("no command given");

        Run unknownFlag = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--colour", "red");
        assertThat(unknownFlag.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknownFlag.err()).contains("Unknown options: '--colour'");
    }

    @Test
    void nodeDestroyAsksForYesThenLeavesNoZoneNamespaceCgroupOrRuncState() {
        String uuid = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--memory", "32", "--disk", "32M").out().strip();
        Run refused = gantry("node", "destroy");
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("add --yes");
        assertThat(gantry("zone", "get", uuid).exit()).isZero();

        Run destroy = gantry("node", "destroy", "--yes");
        assertThat(destroy.exit()).as(destroy.err()).isZero();
        assertThat(destroy.out()).contains("deleted 1 zones");
        assertThat(Path.of("/run/netns/gantry-" + node)).doesNotExist();
        assertThat(Path.of("/run/gantry/" + node)).doesNotExist();
        assertThat(Cgroups.detect().existing("/gantry-" + node)).isEmpty();
        assertThat(gantry("zone", "get", uuid).exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    private List<String> zoneFiles() throws java.io.IOException {
        Path zones = stateDir.resolve("zones");
        if (!Files.exists(zones)) {
            return List.of();
        }
        try (var files = Files.walk(zones)) {
            return files.map(Path::toString).sorted().toList();
        }
    }

    private static void assertRefusedInOneLine(Run run, String limit) {
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("gantry: ").contains(limit).endsWith("[InvalidArgument]");
    }

    @Test
    void sizesBeyondTheTypeOrThisNodeAreRefusedWithExitTwoAndLeaveNothingBehind() throws Exception {
        String zonesBefore = gantry("zone", "list", "--json").out();
        List<String> filesBefore = zoneFiles();
        List<Path> cgroupsBefore = Cgroups.detect().existing("/gantry-" + node);
        String[] create = {"zone", "create", "--image", "busybox", "--tenant", "acme"};

        assertRefusedInOneLine(gantry(concat(create, "--memory", "9999999999999")),
                "'9999999999999' is more than the largest size, 1099511627776 MiB");
        assertRefusedInOneLine(gantry(concat(create, "--memory", "99999999")), "memory 99999999 MiB (95.4 TiB) exceeds this node's memory (");
        assertRefusedInOneLine(gantry(concat(create, "--disk", "100000")), "disk 102400000 MiB (97.7 TiB) exceeds this node's free disk (");
        assertRefusedInOneLine(gantry(concat(create, "--lwps", "99999999")), "lwps must be at most 4194304, got 99999999");
        int cpus = Runtime.getRuntime().availableProcessors();
        assertRefusedInOneLine(gantry(concat(create, "--cpu-cap", Integer.toString(cpus * 100 + 1))),
                "cpu_cap " + (cpus * 100 + 1) + " exceeds this node's " + cpus + " CPUs");
        assertRefusedInOneLine(gantry(concat(create, "--cpu-cap", "-5")), "cpu_cap must not be negative, got -5");
        Run notAnInt = gantry(concat(create, "--lwps", "99999999999"));
        assertThat(notAnInt.exit()).as("beyond a 32-bit count: option parsing refuses it").isEqualTo(ExitCodes.USAGE);
        assertThat(notAnInt.err()).contains("99999999999").doesNotContain("Exception");
        assertRefusedInOneLine(gantry(concat(create, "--memory", "64", "--overprovision-memory", "0")),
                "overprovision ratios must be above 0");

        assertThat(gantry("zone", "list", "--json").out()).isEqualTo(zonesBefore);
        assertThat(zoneFiles()).isEqualTo(filesBefore);
        assertThat(Cgroups.detect().existing("/gantry-" + node)).isEqualTo(cgroupsBefore);
    }

    @Test
    void anUpdateBeyondThisNodeIsRefusedAndTheZoneKeepsItsCaps() {
        String uuid = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--memory", "32", "--disk", "32M").out().strip();
        try {
            assertRefusedInOneLine(gantry("zone", "update", uuid, "--memory", "99999999"), "memory 99999999 MiB (95.4 TiB) exceeds this node's memory (");
            assertRefusedInOneLine(gantry("zone", "update", uuid, "--lwps", "99999999"), "lwps must be at most 4194304");
            JsonNode zone = Json.read(gantry("zone", "get", uuid).out(), JsonNode.class);
            assertThat(zone.path("max_physical_memory").asInt()).isEqualTo(32);
            assertThat(zone.path("state").asText()).isEqualTo("running");
            assertThat(Json.read(gantry("zone", "stats", uuid).out(), JsonNode.class).path("memoryLimitBytes").asLong()).isEqualTo(32L << 20);
        } finally {
            assertThat(gantry("zone", "delete", uuid).exit()).isZero();
        }
    }

    @Test
    void theOverprovisionRatioLetsAZoneHaveMoreMemoryThanTheNode() {
        long overHost = io.gantry.agent.host.HostLimits.meminfoMiB("MemTotal") + 1024;
        String[] create = {"zone", "create", "--image", "busybox", "--tenant", "acme", "--disk", "32M", "--memory", Long.toString(overHost)};
        assertRefusedInOneLine(gantry(create), "× overprovision 1.0)");
        Run generous = gantry(concat(create, "--overprovision-memory", "2"));
        assertThat(generous.exit()).as(generous.err()).isZero();
        String uuid = generous.out().strip();
        try {
            assertThat(Json.read(gantry("zone", "get", uuid).out(), JsonNode.class).path("max_physical_memory").asLong()).isEqualTo(overHost);
            assertThat(Json.read(gantry("zone", "stats", uuid).out(), JsonNode.class).path("memoryLimitBytes").asLong())
                    .isEqualTo(overHost << 20);
        } finally {
            assertThat(gantry("zone", "delete", uuid).exit()).isZero();
        }
    }

    @Test
    void zoneCreateTakesTheOverprovisionRatioButNoOtherOptionFromTheConfigFile() throws Exception {
        long overHost = io.gantry.agent.host.HostLimits.meminfoMiB("MemTotal") + 1024;
        Path config = stateDir.resolve("gantry.properties");
        Files.writeString(config, "overprovision-memory=2\nmemory=99999999\nalias=from-the-file\n");
        Path log = stateDir.resolve("create.log");
        String uuid = "6f1c3d2e-0000-4000-8000-0000000c0f1e";
        try (ChildRoles child = new ChildRoles()) {
            Process create = child.start(log, java.util.Map.of("GANTRY_CONFIG", config.toString()), "--node", node, "--state-dir",
                    stateDir.toString(), "zone", "create", "--image", "busybox", "--tenant", "acme", "--uuid", uuid, "--disk", "32M",
                    "--memory", Long.toString(overHost));
            assertThat(create.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(create.exitValue()).as(Files.readString(log)).isZero();
        }
        try {
            JsonNode zone = Json.read(gantry("zone", "get", uuid).out(), JsonNode.class);
            assertThat(zone.path("max_physical_memory").asLong()).as("allowed by the file's ratio").isEqualTo(overHost);
            assertThat(zone.path("alias").asText()).as("the file sets no other option").isNotEqualTo("from-the-file");
        } finally {
            assertThat(gantry("zone", "delete", uuid).exit()).isZero();
        }
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
