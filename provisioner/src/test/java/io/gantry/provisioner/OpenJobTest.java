package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.RequiredTraits;
import io.gantry.common.ZoneState;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OpenJobTest {
    private static OpenJob.Machine machine(int vcpus, int cpuCap, Integer throttle) {
        return new OpenJob.Machine(UUID.randomUUID(), UUID.randomUUID(), "m", ZoneState.RUNNING, "n1", 128, 128, 1024, vcpus, cpuCap,
                256, "p", Map.of(), List.of(), throttle, Map.of());
    }

    @Test
    void withoutAThrottleTheZoneRunsUnderItsPackagesCap() {
        assertThat(machine(1, 100, null).effectiveCpuCap()).isEqualTo(100);
        assertThat(machine(0, 0, null).effectiveCpuCap()).isZero();
    }

    @Test
    void aThrottleLowersTheCapButNeverRaisesIt() {
        assertThat(machine(1, 100, 10).effectiveCpuCap()).isEqualTo(10);
        assertThat(machine(1, 5, 10).effectiveCpuCap()).isEqualTo(5);
        assertThat(machine(2, 0, 150).effectiveCpuCap()).isEqualTo(150); // two vCPUs are a 200% cap
        assertThat(machine(0, 0, 10).effectiveCpuCap()).isEqualTo(10); // no cap at all: the throttle is the cap
    }

    @Test
    void thePlacementRequestCarriesTheMachinesVcpusTraitsAndAffinity() {
        Map<String, Object> traits = Map.of("ssd", true, "hw", List.of("a", "b"));
        var m = new OpenJob.Machine(UUID.randomUUID(), UUID.randomUUID(), "db1", ZoneState.PROVISIONING, null, 512, 512, 2048, 3,
                300, 256, "p", Map.of("role", "db"), List.of("role!=db"), null, traits);
        var request = m.placementRequest();
        assertThat(request.vcpus()).isEqualTo(3);
        assertThat(request.requiredTraits()).isEqualTo(RequiredTraits.fromJson(traits, "test"));
        assertThat(request.tenant()).isEqualTo(m.account().toString());
        assertThat(request.affinity()).hasSize(1);
        assertThat(request.toPlaced().vcpus()).isEqualTo(3);
    }

    @Test
    void traitsPlacementCannotReadFailOnlyThatMachinesRequest() {
        var m = new OpenJob.Machine(UUID.randomUUID(), UUID.randomUUID(), "odd", ZoneState.PROVISIONING, null, 128, 128, 1024, 1,
                100, 256, "p", Map.of(), List.of(), null, Map.of("cores", 4));
        org.assertj.core.api.Assertions.assertThatThrownBy(m::placementRequest)
                .isInstanceOf(io.gantry.common.GantryException.class).hasMessageContaining("trait 'cores' must be a string");
    }
}
