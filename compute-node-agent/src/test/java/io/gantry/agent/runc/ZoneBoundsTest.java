package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.ExecResult;
import io.gantry.agent.coord.TaskExecutor;
import io.gantry.agent.host.HostLimits;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A package this host cannot give is refused before anything is made: no record, disk, cgroup or container. */
class ZoneBoundsTest extends RealZonesTest {

    private List<Path> zoneFiles() throws IOException {
        Path zones = config.stateDir().resolve("zones");
        if (!Files.exists(zones)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(zones)) {
            return files.filter(p -> !p.equals(zones)).toList();
        }
    }

    @Test
    void aCreateTaskBeyondTheHostsMemoryFailsWithTheLimitAsItsReasonAndLeavesNothing() throws IOException {
        List<Path> before = zoneFiles();
        long tooMuch = HostLimits.meminfoMiB("MemTotal") + 1;
        UUID machine = UUID.randomUUID();
        ZoneSpec spec = new ZoneSpec(machine, null, "acme", imageId, new Package("big", tooMuch, tooMuch, 0, 100, 64, 64));
        TaskResult result = new TaskExecutor(backend, Clock.systemUTC())
                .execute(new NodeTask(UUID.randomUUID(), TaskKind.PROVISION, machine, spec, null, 0, Instant.now()));

        assertThat(result.ok()).isFalse();
        assertThat(result.error()).startsWith("memory " + tooMuch + " MiB (").contains(") exceeds this node's memory (")
                .endsWith("× overprovision 1.0)").doesNotContain("\n");
        assertThat(result.state()).as("no zone, so no state").isNull();
        assertThat(backend.find(machine)).isEmpty();
        assertThat(traces(machine)).isEmpty();
        assertThat(zoneFiles()).isEqualTo(before);
    }

    @Test
    void disksBeyondTheFreeSpaceAndCapsBeyondTheCpusAreRefusedAsInvalidArgument() {
        long free = HostLimits.freeDiskMiB(config.stateDir());
        UUID disk = UUID.randomUUID();
        assertThatThrownBy(() -> backend.create(new ZoneSpec(disk, null, "acme", imageId, Package.custom(64, 100, 64, free + 1024))))
                .isInstanceOfSatisfying(GantryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageStartingWith("disk " + (free + 1024) + " MiB (").hasMessageContaining(") exceeds this node's free disk (");
        assertThat(traces(disk)).isEmpty();

        int cpus = Runtime.getRuntime().availableProcessors();
        UUID cap = UUID.randomUUID();
        assertThatThrownBy(() -> backend.create(new ZoneSpec(cap, null, "acme", imageId, Package.custom(64, cpus * 100 + 1, 64, 64))))
                .hasMessage("cpu_cap " + (cpus * 100 + 1) + " exceeds this node's " + cpus + " CPUs (at most " + cpus * 100 + ")");
        assertThat(traces(cap)).isEmpty();
    }

    @Test
    void theSmallestPackageRunsSoTheMinimumsAreSizesRuncAndMkfsAccept() {
        Zone zone = create("acme", "tiny", new Package("tiny", Package.MIN_MEMORY_MiB, Package.MIN_MEMORY_MiB, 0, 0, Package.MIN_LWPS,
                Package.MIN_DISK_MiB));
        // runc exec's own pids count against the zone's: one lucky exec would not show the minimum is enough
        for (int i = 0; i < 10; i++) {
            ExecResult echo = sh(zone, "echo ok");
            assertThat(echo.stdout().strip()).as("command %d in the smallest zone: %s", i, echo).isEqualTo("ok");
        }
        backend.delete(zone.uuid());
        assertThat(traces(zone.uuid())).isEmpty();
    }

    @Test
    void aResizeBeyondTheHostIsRefusedAndTheZoneKeepsItsCaps() {
        Zone zone = create("acme", "bounds1");
        long tooMuch = HostLimits.meminfoMiB("MemTotal") + 1;
        assertThatThrownBy(() -> backend.update(zone.uuid(), ResourceUpdate.memory(tooMuch)))
                .hasMessageStartingWith("memory " + tooMuch + " MiB (").hasMessageContaining("exceeds this node's memory");
        Zone after = backend.get(zone.uuid());
        assertThat(after.state()).isEqualTo(ZoneState.RUNNING);
        assertThat(after.pkg()).isEqualTo(zone.pkg());
        assertThat(backend.counters(zone.uuid()).memoryLimitBytes()).isEqualTo(64L << 20);
        backend.delete(zone.uuid());
    }

    @Test
    void aFailedRecordLeftWithAnOverflowingPackageIsRemovedAtRecovery() throws IOException {
        // what a create with --memory 9999999999999 left before sizes were checked
        UUID uuid = UUID.randomUUID();
        Zone failed = Zone.provisioning(new ZoneSpec(uuid, "old", "acme", imageId, Package.custom(64, 100, 64, 64)), "10.200.0.9", Instant.now())
                .failed("runc update: invalid memory.memsw.limit_in_bytes", Instant.now());
        String json = io.gantry.common.Json.writePretty(failed).replaceAll("(\"(memoryMiB|swapMiB)\"\\s*:\\s*)64", "$19999999999999");
        assertThat(json).contains("9999999999999");
        Files.createDirectories(backend.layout(uuid).dir());
        Files.writeString(backend.layout(uuid).record(), json);
        assertThat(backend.list()).as("an unreadable record does not break the list").extracting(Zone::uuid).doesNotContain(uuid);

        RuncZoneBackend.Recovery recovery = backend.recover();

        assertThat(recovery.cleanedUp()).contains(uuid);
        assertThat(traces(uuid)).isEmpty();
    }
}
