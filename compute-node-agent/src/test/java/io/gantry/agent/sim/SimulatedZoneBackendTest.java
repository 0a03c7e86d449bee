package io.gantry.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.agent.net.TestNics;
import io.gantry.common.net.Nic;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The SIMULATED backend (in memory, no isolation) follows the same rules as the real one. */
class SimulatedZoneBackendTest {
    private static final String IMAGE = "e".repeat(64);
    private final SimulatedZoneBackend sim = new SimulatedZoneBackend(Set.of(IMAGE), Clock.systemUTC());

    private ZoneSpec spec(String tenant) {
        return new ZoneSpec(UUID.randomUUID(), null, tenant, IMAGE, Package.custom(64, 50, 32, 64));
    }

    @Test
    void saysItIsSimulated() {
        assertThat(sim.name()).isEqualTo("simulated");
        Zone z = sim.create(spec("acme"));
        assertThat(sim.exec(z.uuid(), List.of("true"), Duration.ofSeconds(1)).stdout()).contains("simulated");
    }

    @Test
    void createIsIdempotentOnTheUuid() {
        ZoneSpec spec = spec("acme");
        Zone first = sim.create(spec);
        assertThat(sim.create(spec)).isEqualTo(first);
        assertThat(sim.list()).hasSize(1);
        assertThatThrownBy(() -> sim.create(spec.withPackage(Package.custom(128, 50, 32, 64))))
                .hasMessageContaining("different");
    }

    @Test
    void lifecycleFollowsTheStateMachine() {
        Zone z = sim.create(spec("acme"));
        assertThat(z.state()).isEqualTo(ZoneState.RUNNING);
        assertThat(sim.stop(z.uuid(), Duration.ZERO).state()).isEqualTo(ZoneState.STOPPED);
        assertThatThrownBy(() -> sim.reboot(z.uuid(), Duration.ZERO)).hasMessageContaining("it is stopped");
        assertThat(sim.start(z.uuid()).state()).isEqualTo(ZoneState.RUNNING);
        sim.delete(z.uuid());
        assertThatThrownBy(() -> sim.get(z.uuid())).extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound);
    }

    @Test
    void aZonesAddressIsItsPrimaryNicsAndUpdateNicsRecordsTheNics() {
        TestNics.Fabric net = TestNics.fabric(true);
        Nic first = net.nic(1);
        Zone none = sim.create(spec("a"));
        assertThat(none.ip()).as("no NICs: no address").isNull();
        Zone z = sim.create(spec("a").withNics(List.of(TestNics.secondary(net.nic(2)), first)));
        assertThat(z.ip()).isEqualTo(first.ip());
        Zone updated = sim.updateNics(z.spec().withNics(List.of(net.nic(3))));
        assertThat(updated.spec().nics()).hasSize(1);
        assertThat(updated.ip()).isEqualTo(net.nic(3).ip());
        assertThatThrownBy(() -> sim.updateNics(updated.spec().withPackage(Package.custom(128, 50, 32, 64))))
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument);
    }

    @Test
    void diskGrowsOnlyWhileStopped() {
        Zone z = sim.create(spec("acme"));
        assertThatThrownBy(() -> sim.update(z.uuid(), new ResourceUpdate(null, null, null, null, null, 128L)))
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidState);
        assertThat(sim.update(z.uuid(), ResourceUpdate.memory(256)).pkg().memoryMiB()).isEqualTo(256);
        sim.stop(z.uuid(), Duration.ZERO);
        assertThat(sim.update(z.uuid(), new ResourceUpdate(null, null, null, null, null, 128L)).pkg().diskMiB()).isEqualTo(128);
    }

    @Test
    void unknownImageIsNotFound() {
        assertThatThrownBy(() -> sim.create(new ZoneSpec(UUID.randomUUID(), null, "a", "0".repeat(64), Package.custom(64, 0, 32, 64))))
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound);
    }

    @Test
    void syntheticCpuGrowsAtTheCap() throws InterruptedException {
        Zone z = sim.create(spec("acme"));
        Thread.sleep(50);
        long cpu = sim.counters(z.uuid()).cpuNanos();
        assertThat(cpu).isPositive().isLessThan(Duration.ofMillis(1000).toNanos());
    }
}
