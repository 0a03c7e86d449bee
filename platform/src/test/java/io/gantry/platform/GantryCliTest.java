package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.cgroup.Cgroups;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.common.Json;
import io.gantry.testkit.CliJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator CLI as documented in docs/cli.md, driving real zones (those tests need root and
 * runc), and its error contract: every bad invocation is one line on stderr with its exit code.
 */
@Tag("zones")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GantryCliTest {
    private Path stateDir;
    private final String node = "cli" + ProcessHandle.current().pid() % 100000;

    private GantryRun gantry(String... args) {
        List<String> all = new ArrayList<>(List.of("--node", node, "--state-dir", stateDir.toString()));
        all.addAll(List.of(args));
        return GantryRun.of(all);
    }

    /** The real launcher in a child JVM, as a terminal runs it: its own logging set-up, stdout and stderr. */
    private GantryRun gantryProcess(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(CliJvm.OPTIONS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GantryCommand.class.getName()));
        if (!args[0].equals("--node")) {
            cmd.addAll(List.of("--node", node, "--state-dir", stateDir.toString()));
        }
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(stateDir.getParent(), "cli-out", ".txt");
        Path err = Files.createTempFile(stateDir.getParent(), "cli-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("GANTRY_METERING_URL", "http://127.0.0.1:1"); // nothing listens there
            pb.environment().put("GANTRY_CLOUDAPI_URL", "http://127.0.0.1:1");
            pb.environment().put("GANTRY_OPERATOR_KEY", operatorKey().toString());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("gantry " + String.join(" ", args) + " did not finish");
            }
            return new GantryRun(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** An operator key file (signing needs one before anything is sent), made once. */
    private Path operatorKey() {
        return io.gantry.cloudapi.auth.SshKeyPair.generate(work, "operator_rsa").privateKeyFile();
    }

    private Optional<String> whyNoZones;
    private Path work;

    @BeforeAll
    void setUp() throws Exception {
        whyNoZones = HostProbe.whyNoRealZones();
        work = Files.createTempDirectory("gantry-cli-");
        stateDir = Files.createDirectory(work.resolve("state"));
        if (whyNoZones.isEmpty()) {
            assertThat(gantry("image", "build-busybox").exit()).isZero();
            assertThat(gantry("zone", "list").exit()).as("the node is set up").isZero();
        }
    }

    private void assumeZones() {
        whyNoZones.ifPresent(why -> assumeTrue(false, why));
    }

    @AfterAll
    void tearDown() {
        if (work != null) {
            if (whyNoZones.isEmpty()) {
                gantry("node", "destroy", "--yes");
            }
            Cmd.check("rm", "-rf", "--one-file-system", work.toString());
        }
    }

    @Test
    void operatorDrivesAZoneThroughItsWholeLifeFromTheCommandLine() {
        assumeZones();
        GantryRun images = gantry("image", "list");
        assertThat(images.out()).contains("busybox");

        GantryRun create = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--alias", "cli1",
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
        assertThat(zone.hasNonNull("ip")).as("a zone made on the node alone has loopback only: addresses are the control plane's").isFalse();

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
        assumeZones();
        String id = "6f1c3d2e-0000-4000-8000-00000000c11a";
        String[] args = {"zone", "create", "--image", "busybox", "--tenant", "acme", "--uuid", id, "--memory", "32", "--disk", "32M"};
        assertThat(gantry(args).out().strip()).isEqualTo(id);
        assertThat(gantry(args).out().strip()).isEqualTo(id);
        assertThat(gantry("zone", "delete", id).exit()).isZero();
    }

    @Test
    void errorsAreOneLineWithAStableCodeAndExitStatus() {
        assumeZones();
        GantryRun badUuid = gantry("zone", "get", "not-a-uuid");
        assertThat(badUuid.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUuid.err().strip()).isEqualTo("gantry: 'not-a-uuid' is not a UUID (expected the form 8-4-4-4-12 hex digits) [InvalidArgument]");

        GantryRun missing = gantry("zone", "stop", "00000000-0000-4000-8000-000000000000");
        assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("does not exist on this node").doesNotContain("Exception");

        GantryRun badImage = gantry("zone", "create", "--image", "windows", "--tenant", "acme");
        assertThat(badImage.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(badImage.err()).contains("no image named or with id 'windows'");

        GantryRun badSize = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--disk", "huge");
        assertThat(badSize.err()).contains("'huge' is not a size");

        GantryRun tooSmall = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--memory", "4");
        assertThat(tooSmall.err()).contains("memory must be at least 16 MiB, got 4");

        GantryRun noCommand = gantry("zone", "exec", "00000000-0000-4000-8000-000000000000");
        assertThat(noCommand.err()).contains("no command given");

        GantryRun unknownFlag = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--colour", "red");
        assertThat(unknownFlag.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknownFlag.err()).contains("Unknown options: '--colour'");
    }

    @Test
    void nodeDestroyAsksForYesThenLeavesNoZoneNamespaceCgroupOrRuncState() {
        assumeZones();
        String uuid = gantry("zone", "create", "--image", "busybox", "--tenant", "acme", "--memory", "32", "--disk", "32M").out().strip();
        GantryRun refused = gantry("node", "destroy");
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("add --yes");
        assertThat(gantry("zone", "get", uuid).exit()).isZero();

        GantryRun destroy = gantry("node", "destroy", "--yes");
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

    private static void assertRefusedInOneLine(GantryRun run, String limit) {
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip()).doesNotContain("\n").startsWith("gantry: ").contains(limit).endsWith("[InvalidArgument]");
    }

    @Test
    void sizesBeyondTheTypeOrThisNodeAreRefusedWithExitTwoAndLeaveNothingBehind() throws Exception {
        assumeZones();
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
        GantryRun notAnInt = gantry(concat(create, "--lwps", "99999999999"));
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
        assumeZones();
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
        assumeZones();
        long overHost = io.gantry.agent.host.HostLimits.meminfoMiB("MemTotal") + 1024;
        String[] create = {"zone", "create", "--image", "busybox", "--tenant", "acme", "--disk", "32M", "--memory", Long.toString(overHost)};
        assertRefusedInOneLine(gantry(create), "× overprovision 1.0)");
        GantryRun generous = gantry(concat(create, "--overprovision-memory", "2"));
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
        assumeZones();
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

    /** A bad invocation: what the launcher must answer, and whether it needs a node that can run zones. */
    record Bad(List<String> args, int exit, String says, boolean needsZones) {
        @Override
        public String toString() {
            return String.join(" ", args) + " -> exit " + exit;
        }
    }

    private static final String NO_ZONE = "00000000-0000-4000-8000-00000000bad0";

    private static Bad bad(int exit, String says, String... args) {
        return new Bad(List.of(args), exit, says, false);
    }

    private static Bad onNode(int exit, String says, String... args) {
        return new Bad(List.of(args), exit, says, true);
    }

    private List<Bad> badInvocations() throws IOException {
        Path text = Files.writeString(work.resolve("hostname.txt"), "not a tarball\n");
        Path unreadable = Path.of("/proc/self/mem"); // a regular file whose reading fails (EIO), even for root
        Path devLink = tarball("dev-link.tar", out -> {
            zoneRoot(out, "dev");
            entry(out, "dev", TarConstants.LF_SYMLINK, "/tmp");
        });
        Path escape = tarball("escape.tar", out -> {
            zoneRoot(out, "");
            file(out, "../../escaped");
        });
        Path good = tarball("good.tar", out -> zoneRoot(out, ""));
        String nodeArg = node;
        return List.of(
                // the command line itself
                bad(2, "gantry: Invalid value for option '--cpu-cap': '99999999999' is not an int (try 'gantry zone create --help') [InvalidArgument]",
                        "zone", "create", "--image", "busybox", "--tenant", "acme", "--cpu-cap", "99999999999"),
                bad(2, "Unknown command: 'frobnicate'", "frobnicate"),
                bad(2, "Missing command: one of create, list", "zone"),
                bad(2, "Unknown command: 'frob'", "zone", "frob"),
                bad(2, "Unknown option: '--colour'", "zone", "list", "--colour"),
                bad(2, "Unknown options: '--colour', 'red'", "zone", "create", "--image", "busybox", "--tenant", "acme", "--colour", "red"),
                bad(2, "Missing required options: '--image=<image>', '--tenant=<tenant>' (try 'gantry zone create --help') [MissingParameter]",
                        "zone", "create"),
                bad(2, "Missing required parameter: 'UUID'", "zone", "get"),
                bad(2, "Unexpected argument: 'extra'", "probe", "extra"),
                bad(2, "Invalid value for option '--timeout': 'abc' is not an int", "zone", "stop", NO_ZONE, "--timeout", "abc"),
                bad(2, "Invalid value for option '--lwps': '1.5' is not an int", "zone", "update", NO_ZONE, "--lwps", "1.5"),
                bad(2, "Invalid value for option '--api-port': 99999 is not a TCP port", "dev", "--once", "--api-port", "99999"),
                bad(2, "Invalid value for option '--port': 'abc' is not an int", "cloudapi", "--port", "abc"),
                bad(2, "Invalid value for option '--event-loops': -2 (at least 1, or 0 for one per core)", "cloudapi", "--event-loops", "-2"),
                bad(2, "Invalid value for option '--oidc-issuer': the OIDC issuer must be an http:// or https:// URL, not ftp://x",
                        "cloudapi", "--oidc-issuer", "ftp://x"),
                bad(2, "--tls-cert and --tls-key go together: give both or neither", "cloudapi", "--tls-cert", "/etc/hostname"),
                bad(2, "cannot read TLS file /nonexistent/gantry.key", "cloudapi", "--tls-cert", "/etc/hostname",
                        "--tls-key", "/nonexistent/gantry.key"),
                bad(2, "Invalid value for option '--port': -5 is not a TCP port", "metering", "--port", "-5"),
                bad(2, "Invalid value for option '--interval': 'x' is not an int", "agent", "--interval", "x"),
                bad(2, "Unknown options: '--zk-port', '1'", "provisioner", "--zk-port", "1"),
                bad(2, "--cloudapi-url is required: the portal reaches the platform only through the cloud API", "portal", "--cloudapi-url", ""),
                bad(2, "Invalid value for option '--session-idle-minutes': 0 (at least 1)", "portal", "--session-idle-minutes", "0"),
                bad(2, "--oidc-issuer needs --oidc-client-secret-file", "portal", "--cloudapi-url", "http://127.0.0.1:1",
                        "--oidc-issuer", "http://127.0.0.1:2/realms/gantry"),
                bad(2, "cannot read --oidc-client-secret-file /nonexistent/secret", "portal", "--cloudapi-url", "http://127.0.0.1:1",
                        "--oidc-issuer", "http://127.0.0.1:2/realms/gantry", "--oidc-client-secret-file", "/nonexistent/secret"),
                bad(2, "--oidc-issuer must be an http:// or https:// URL, not ftp://x", "portal", "--cloudapi-url", "http://127.0.0.1:1",
                        "--oidc-issuer", "ftp://x", "--oidc-client-secret-file", "/etc/hostname"),
                bad(2, "Invalid value for option '--listen-port': 70000 is not a TCP port", "portal", "--cloudapi-url", "http://127.0.0.1:1",
                        "--listen-port", "70000"),
                // the values
                bad(2, "'nope' is not a UUID", "zone", "get", "nope"),
                bad(2, "'nope' is not a UUID", "zone", "create", "--image", "busybox", "--tenant", "acme", "--uuid", "nope"),
                bad(2, "nothing to update", "zone", "update", NO_ZONE),
                bad(2, "no command given", "zone", "exec", NO_ZONE),
                bad(2, "add --yes", "node", "destroy"),
                bad(2, "node name must be", "--node", "Bad Node", "--state-dir", stateDir.toString(), "zone", "list"),
                bad(2, "is not a directory", "--node", nodeArg, "--state-dir", text.toString(), "image", "list"),
                // image import
                bad(2, "Missing required options and parameters", "image", "import"),
                bad(2, text + " is not a tar archive", "image", "import", text.toString(), "--name", "x"),
                bad(2, "no image file at", "image", "import", work.resolve("nothing.tar").toString(), "--name", "x"),
                bad(2, "no image file at", "image", "import", work.toString(), "--name", "x"),
                bad(2, "cannot read " + unreadable, "image", "import", unreadable.toString(), "--name", "x"),
                bad(2, "image name must be", "image", "import", good.toString(), "--name", "bad name"),
                bad(2, "/dev is a symbolic link to /tmp", "image", "import", devLink.toString(), "--name", "devlink"),
                bad(2, "contains '..'", "image", "import", escape.toString(), "--name", "escape"),
                // metering's and the operator's commands, with no metering or cloud API to reach
                bad(2, "Missing required options: '--metric=<metric>', '--limit=<limit>'", "budget", "set", "demo", "b1"),
                bad(2, "Invalid value for option '--limit': 'lots' is not a double", "budget", "set", "demo", "b1", "--metric", "cpu_hours",
                        "--limit", "lots"),
                bad(2, "Missing required parameter: '<name>'", "budget", "delete", "demo"),
                bad(2, "'99999999999999999999' is not a long", "limit", "set", "demo", "count", "99999999999999999999"),
                bad(2, "Missing required options: '--from=<from>', '--to=<to>'", "usage", "export"),
                bad(2, "metering URL 'ftp://x' is not an http:// or https:// URL", "usage", "export", "--from", "2026-11-01", "--to",
                        "2026-12-01", "--metering-url", "ftp://x"),
                bad(2, "cloud API URL 'ftp://x' is not an http:// or https:// URL", "limit", "list", "demo", "--cloudapi-url", "ftp://x"),
                bad(2, "private key file /nonexistent/gantry-key does not exist", "limit", "list", "demo", "--operator-key",
                        "/nonexistent/gantry-key"),
                bad(1, "metering at http://127.0.0.1:1 cannot be reached", "budget", "list", "demo"),
                bad(1, "[ServiceUnavailable]", "budget", "set", "demo", "b1", "--metric", "cpu_hours", "--limit", "5"),
                bad(1, "the cloud API at http://127.0.0.1:1 cannot be reached", "limit", "set", "demo", "count", "5"),
                bad(1, "[ServiceUnavailable]", "limit", "delete", "demo", "count"),
                bad(1, "[ServiceUnavailable]", "usage", "export", "--from", "2026-11-01", "--to", "2026-12-01"),
                // zones and images this node does not have
                onNode(3, "zone " + NO_ZONE + " does not exist on this node [ResourceNotFound]", "zone", "get", NO_ZONE),
                onNode(3, "does not exist on this node", "zone", "stop", NO_ZONE),
                onNode(3, "does not exist on this node", "zone", "start", NO_ZONE),
                onNode(3, "does not exist on this node", "zone", "reboot", NO_ZONE),
                onNode(3, "does not exist on this node", "zone", "delete", NO_ZONE),
                onNode(3, "does not exist on this node", "zone", "stats", NO_ZONE),
                onNode(3, "does not exist on this node", "zone", "update", NO_ZONE, "--memory", "64"),
                onNode(3, "does not exist on this node", "zone", "exec", NO_ZONE, "--", "true"),
                onNode(3, "no image named or with id 'windows'", "zone", "create", "--image", "windows", "--tenant", "acme"));
    }

    @TestFactory
    Stream<DynamicTest> everyBadInvocationIsOneLineWithItsExitCodeAndChangesNothing() throws IOException {
        return badInvocations().stream().map(bad -> DynamicTest.dynamicTest(bad.toString(), () -> {
            if (bad.needsZones()) {
                assumeZones();
            }
            List<String> before = snapshot(stateDir);
            GantryRun run = gantryProcess(bad.args().toArray(String[]::new));
            assertThat(run.err().lines().toList()).as("stderr of " + bad).hasSize(1);
            assertThat(run.err().strip()).startsWith("gantry: ").contains(bad.says()).matches(".*\\[[A-Za-z]+\\]$");
            assertThat(run.exit()).as(run.err()).isEqualTo(bad.exit());
            assertThat(run.out()).as("stdout").isEmpty();
            assertThat(snapshot(stateDir)).as("the node's state is unchanged").isEqualTo(before);
        }));
    }

    @Test
    void aZoneThatFailsToProvisionIsOneLineWithNoLogBesideIt() throws Exception {
        assumeZones();
        // an image unpacked by a gantry from before import checked images: its /proc is a link, which runc refuses
        String imageId = "0123456789abcdef".repeat(4);
        Path rootfs = Files.createDirectories(stateDir.resolve("images").resolve(imageId).resolve("rootfs"));
        for (String dir : List.of("bin", "dev", "sys")) {
            Files.createDirectories(rootfs.resolve(dir));
        }
        Files.createSymbolicLink(rootfs.resolve("proc"), Path.of("/tmp"));
        Files.writeString(stateDir.resolve("images").resolve(imageId).resolve("image.json"),
                Json.writePretty(new io.gantry.common.Image(imageId, "old-proc-link", 1, java.time.Instant.now())));
        String id = "6f1c3d2e-0000-4000-8000-0000000bad5e";
        try {
            GantryRun create = gantryProcess("zone", "create", "--image", "old-proc-link", "--tenant", "acme", "--uuid", id, "--memory", "32", "--disk", "32M");

            assertThat(create.exit()).as(create.err()).isEqualTo(ExitCodes.FAILED);
            assertThat(create.err().lines().toList()).as(create.err()).hasSize(1);
            assertThat(create.err()).startsWith("gantry: zone " + id + " failed to provision").contains("must be mounted on ordinary directory")
                    .endsWith("[InternalError]\n");
        } finally {
            assertThat(gantryProcess("zone", "delete", id).exit()).isZero();
            Cmd.check("rm", "-rf", stateDir.resolve("images").resolve(imageId).toString());
        }
    }

    /** Every path below {@code root} with its kind and size. */
    private static List<String> snapshot(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(p -> root.relativize(p) + " " + (Files.isSymbolicLink(p) ? "link"
                    : Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? "dir" : "file " + p.toFile().length())).sorted().toList();
        }
    }

    interface Entries {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private Path tarball(String name, Entries entries) throws IOException {
        Path file = work.resolve(name);
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            entries.write(out);
        }
        return file;
    }

    /** A root with the kernel's mount points and a /bin/sh and sleep that are no programs; {@code except} left out. */
    private static void zoneRoot(TarArchiveOutputStream out, String except) throws IOException {
        for (String dir : List.of("./", "bin/", "dev/", "proc/", "sys/")) {
            if (!dir.equals(except + "/")) {
                entry(out, dir, TarConstants.LF_DIR, null);
            }
        }
        file(out, "bin/sh");
        file(out, "bin/sleep");
    }

    private static void entry(TarArchiveOutputStream out, String name, byte type, String link) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        if (link != null) {
            e.setLinkName(link);
        }
        out.putArchiveEntry(e);
        out.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream out, String name) throws IOException {
        byte[] content = "not a program\n".getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setMode(0755);
        e.setSize(content.length);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
    }
}
