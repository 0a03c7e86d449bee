package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.agent.host.Cmd;
import io.gantry.agent.net.TestNics;
import io.gantry.common.Json;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The node is the truth: a new agent adopts what runs and removes what a crash left half-made. */
class AgentRestartTest extends RealZonesTest {

    @Test
    void restartedAgentAdoptsRunningZones() {
        Zone zone = create("acme", "survivor");
        long pid = backend.initPid(zone.uuid()).orElseThrow();

        RuncZoneBackend restarted = RuncZoneBackend.open(config);
        RuncZoneBackend.Recovery recovery = restarted.recover();
        assertThat(recovery.adopted()).contains(zone.uuid());
        assertThat(recovery.cleanedUp()).isEmpty();
        assertThat(restarted.get(zone.uuid()).state()).isEqualTo(ZoneState.RUNNING);
        assertThat(restarted.initPid(zone.uuid())).as("the same zone, not a new one").contains(pid);
        assertThat(restarted.exec(zone.uuid(), List.of("hostname"), java.time.Duration.ofSeconds(10)).stdout().strip())
                .isEqualTo("survivor");
        restarted.delete(zone.uuid());
    }

    /**
     * Before the node was in a zone's namespace name it was {@code gz-<uuid>}: a zone running across the upgrade keeps
     * its namespace, now under the present name, with its NIC still on its network (the gateway answers).
     */
    @Test
    void aZoneRunningInANamespaceOfTheEarlierNameKeepsItsNetworkAcrossTheRestart() throws Exception {
        Zone zone = create("acme", "elder");
        ZoneLayout layout = backend.layout(zone.uuid());
        long pid = backend.initPid(zone.uuid()).orElseThrow();
        Path earlier = Path.of("/run/netns", layout.earlierNetns());
        Path present = Path.of("/run/netns", layout.netns());
        Files.createFile(earlier); // as an earlier agent named it: the same namespace, bound under gz-<uuid> alone
        Cmd.check("mount", "--bind", present.toString(), earlier.toString());
        Cmd.check("umount", present.toString());
        Files.delete(present);

        try {
            RuncZoneBackend restarted = RuncZoneBackend.open(config);
            assertThat(earlier).doesNotExist();
            assertThat(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString())
                    .as("the zone's init is in the namespace now named %s", layout.netns())
                    .isEqualTo("net:[" + Files.getAttribute(present, "unix:ino") + "]");
            assertThat(Cmd.run("nsenter", "--net=" + present, "/bin/busybox", "ping", "-c", "1", "-W", "2",
                    TestNics.FABRIC_GATEWAY).ok()).as("the zone reaches its gateway through its port").isTrue();
            restarted.delete(zone.uuid());
            assertThat(present).doesNotExist();
        } finally {
            if (Files.exists(earlier)) { // not taken over: the zone's removal does not know that name
                Cmd.run("umount", earlier.toString());
                Files.delete(earlier);
            }
        }
    }

    @ParameterizedTest(name = "crash after step {0}")
    @ValueSource(strings = {"guard", "disk", "network", "config", "started"})
    void crashMidCreateLeavesNothingAfterRestart(String step) throws Exception {
        UUID uuid = UUID.randomUUID();
        Process child = new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"),
                CrashingCreate.class.getName(),
                config.stateDir().toString(), config.node(), imageId, uuid.toString(), step)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(config.stateDir().resolve("crash.log").toFile()))
                .start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("the child halted at %s; it wrote: %s", step, Files.readString(config.stateDir().resolve("crash.log")))
                .isEqualTo(CrashingCreate.HALTED);
        assertThat(traces(uuid)).as("the crash left a half-made zone").isNotEmpty();
        assertThat(Files.exists(backend.layout(uuid).guard())).isTrue();

        RuncZoneBackend restarted = RuncZoneBackend.open(config);
        assertThat(restarted.find(uuid)).isEmpty();
        assertThat(traces(uuid)).as("left after the restart").isEmpty();
        assertThat(restarted.list()).extracting(Zone::uuid).doesNotContain(uuid);
    }

    /**
     * A delete shuts the zone's filesystem down unflushed before it unmounts it (the data is thrown away); an agent
     * killed right after that leaves a zone whose record is still there. The restarted agent must finish the removal,
     * not find the zone stopped on a dead disk.
     */
    @Test
    void aDeleteCutShortAfterItsDiskWasDiscardedIsFinishedAtRestart() throws Exception {
        Zone zone = create("acme", "doomed");
        assertThat(sh(zone, "echo data > /kept").ok()).isTrue();
        backend.stop(zone.uuid(), java.time.Duration.ofSeconds(5));
        ZoneLayout layout = backend.layout(zone.uuid());
        // what the delete did before the kill: its mark, then the discard of the disk
        Files.writeString(layout.guard(), "removing\n");
        Cmd.check(backend.diskTool().binary().toString(), "shutdown", layout.diskMount().toString());
        assertThat(Files.exists(layout.record())).isTrue();

        RuncZoneBackend restarted = RuncZoneBackend.open(config);
        assertThat(restarted.find(zone.uuid())).isEmpty();
        assertThat(traces(zone.uuid())).as("left after the restart").isEmpty();
    }

    /**
     * An agent killed during a create leaves its `runc run` running; should that finish after the next
     * agent's recovery looked, a container holds the zone's id with no zone behind it. The redelivered
     * create must still make the zone, not fail on the id.
     */
    @Test
    void aContainerLeftUnderTheZonesIdDoesNotStopItsCreate() throws Exception {
        UUID uuid = UUID.randomUUID();
        Path bundle = Files.createDirectories(config.stateDir().resolve("stray-" + uuid));
        try {
            Cmd.check("runc", "spec", "--bundle", bundle.toString());
            ObjectNode spec = (ObjectNode) Json.read(Files.readString(bundle.resolve("config.json")), JsonNode.class);
            ObjectNode process = (ObjectNode) spec.get("process");
            process.put("terminal", false);
            process.putArray("args").add("sleep").add("600");
            ((ObjectNode) spec.get("root")).put("path", backend.images().rootfs(imageId).toString());
            Files.writeString(bundle.resolve("config.json"), Json.write(spec));
            Cmd.check("runc", "--root", config.runcRoot().toString(), "run", "-d", "--bundle", bundle.toString(), uuid.toString());

            Zone zone = backend.create(new io.gantry.common.ZoneSpec(uuid, "late", "acme", imageId, io.gantry.common.Package.custom(64, 100, 64, 64)));
            assertThat(zone.state()).as("zone: %s", zone.reason()).isEqualTo(ZoneState.RUNNING);
            assertThat(backend.exec(uuid, List.of("hostname"), java.time.Duration.ofSeconds(10)).stdout().strip())
                    .as("the zone's own container runs under the id, not the stray one").isEqualTo("late");
            backend.delete(uuid);
            assertThat(traces(uuid)).as("left after the delete").isEmpty();
        } finally {
            Cmd.run("runc", "--root", config.runcRoot().toString(), "delete", "--force", uuid.toString());
            Cmd.run("rm", "-rf", "--one-file-system", bundle.toString());
        }
    }

    /** Runs a create in its own JVM and halts it (no cleanup, no shutdown hooks) right after one step. */
    public static final class CrashingCreate {
        static final int HALTED = 86;

        public static void main(String[] args) {
            String haltAt = args[4];
            RuncZoneBackend backend = RuncZoneBackend.open(
                    io.gantry.agent.AgentConfig.of(Path.of(args[0]), args[1]),
                    step -> {
                        if (step.equals(haltAt)) {
                            Runtime.getRuntime().halt(HALTED);
                        }
                    });
            Zone zone = backend.create(new io.gantry.common.ZoneSpec(UUID.fromString(args[3]), null, "acme", args[2],
                    io.gantry.common.Package.custom(64, 100, 64, 64)));
            System.out.println("the create ended before the step: " + zone.state() + " " + zone.reason());
            System.exit(1); // the create finished: the step was never reached
        }
    }
}
