package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CreateMachineTest {

    @Test
    void aNullUuidIsNoUuidAndAShortenedOneIsRefused() {
        // found by CreateMachineProperties: {"uuid": null} threw a NullPointerException (a 500), and "1-1-1-1-1" was
        // taken as the machine 00000001-0001-0001-0001-000000000001
        Map<String, Object> body = new HashMap<>();
        body.put("uuid", null);
        assertThat(CreateMachine.fromParams(body).id()).isNotNull();
        assertThatThrownBy(() -> CreateMachine.fromParams(Map.of("uuid", "1-1-1-1-1"))).isInstanceOf(GantryException.class)
                .hasMessageContaining("is not a UUID");
    }

    @Test
    void tagsMetadataNetworksAndAffinityOfTheWrongShapeAreInvalidArguments() {
        assertThatThrownBy(() -> CreateMachine.fromParams(Map.of("tags", "role=web"))).hasMessage("tags must be an object");
        assertThatThrownBy(() -> CreateMachine.fromParams(Map.of("tag.", "x"))).hasMessage("a tag name must not be empty");
        assertThatThrownBy(() -> CreateMachine.fromParams(Map.of("networks", List.of(Map.of("ipv4_uuid", 5)))))
                .hasMessageContaining("networks must be network ids");
        assertThatThrownBy(() -> CreateMachine.fromParams(Map.of("affinity", List.of(1)))).hasMessage("affinity must be a list of strings");
        CreateMachine ok = CreateMachine.fromParams(Map.of("tags", Map.of("role", "web"), "tag.env", "prod",
                "networks", "a, b", "affinity", "role!=db", "firewall_enabled", "true"));
        assertThat(ok.tags()).containsExactlyInAnyOrderEntriesOf(Map.of("role", "web", "env", "prod"));
        assertThat(ok.networks()).containsExactly(NetworkChoice.of("a"), NetworkChoice.of("b"));
        CreateMachine withIp = CreateMachine.fromParams(Map.of("networks", List.of(Map.of("ipv4_uuid", "n1", "ipv4_ips", List.of("10.0.0.9")))));
        assertThat(withIp.networks()).containsExactly(new NetworkChoice("n1", "10.0.0.9"));
        assertThatThrownBy(() -> CreateMachine.fromParams(Map.of("networks", List.of(Map.of("ipv4_uuid", "n1",
                "ipv4_ips", List.of("10.0.0.9", "10.0.0.10")))))).hasMessage("ipv4_ips must be a list of one IPv4 address");
        assertThat(ok.affinity()).containsExactly("role!=db");
        assertThat(ok.firewallEnabled()).isTrue();
    }
}
