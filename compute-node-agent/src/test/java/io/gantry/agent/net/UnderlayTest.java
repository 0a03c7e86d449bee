package io.gantry.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.common.net.NodeUnderlay;
import org.junit.jupiter.api.Test;

class UnderlayTest {

    @Test
    void aRealUnderlayAddressGetsTheVxlanPortAndAGivenPortIsKept() {
        assertThat(Underlay.of("192.168.77.2", null, 0, "cn1").vxlanPort()).isEqualTo(NodeUnderlay.VXLAN_PORT);
        assertThat(Underlay.of("127.0.0.1", null, 5000, "cn1").vxlanPort()).isEqualTo(5000);
    }

    @Test
    void nodesSharingTheLoopbackUnderlayGetTheirOwnStablePorts() {
        Underlay a = Underlay.loopback("cn1");
        Underlay b = Underlay.loopback("cn2");
        assertThat(a.ip()).isEqualTo("127.0.0.1");
        assertThat(a.vxlanPort()).isBetween(4790, 14789).isNotEqualTo(b.vxlanPort());
        assertThat(Underlay.loopback("cn1")).as("the same node, restarted").isEqualTo(a);
    }

    @Test
    void aBadPortOrAddressIsRefusedInOneLine() {
        assertThatThrownBy(() -> Underlay.of("127.0.0.1", null, 70000, "cn1")).isInstanceOf(GantryException.class)
                .hasMessageContaining("1-65535");
        assertThatThrownBy(() -> Underlay.of("nowhere", null, 0, "cn1")).isInstanceOf(GantryException.class)
                .hasMessageContaining("IPv4");
    }
}
