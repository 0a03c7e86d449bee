package io.gantry.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.net.TenantNetView.Direction;
import io.gantry.common.net.TenantNetView.FirewallEntry;
import io.gantry.common.net.TenantNetView.MachineFirewall;
import io.gantry.common.net.TenantNetView.NicPlacement;
import io.gantry.common.net.TenantNetView.PortRange;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NetViewCodecTest {

    @Test
    void aSmallViewIsPlainJson() {
        TenantNetView view = new TenantNetView(UUID.randomUUID(), 7, List.of(new NicPlacement(UUID.randomUUID(), "02:00:00:00:00:01",
                "192.168.128.5", UUID.randomUUID(), 4096, "cn1")), List.of(), Instant.parse("2026-12-05T00:00:00Z"));
        byte[] data = NetViewCodec.encode(view);
        assertThat(new String(data, StandardCharsets.UTF_8)).startsWith("{").contains("\"generation\":7");
        assertThat(NetViewCodec.decode(data)).isEqualTo(view);
    }

    @Test
    void aLargeViewIsGzippedAndReadsBackEqual() {
        List<MachineFirewall> firewalls = new ArrayList<>();
        for (int m = 0; m < 10; m++) {
            List<FirewallEntry> entries = new ArrayList<>();
            for (int r = 0; r < 1000; r++) {
                entries.add(new FirewallEntry(Direction.IN, true, "tcp", false, List.of("10.0." + (r % 250) + ".0/24"),
                        List.of(new PortRange(1000 + r, 1000 + r)), List.of(), 0, UUID.nameUUIDFromBytes(("rule" + r).getBytes())));
            }
            firewalls.add(new MachineFirewall(UUID.randomUUID(), true, entries));
        }
        TenantNetView view = new TenantNetView(UUID.randomUUID(), 9, List.of(), firewalls, Instant.parse("2026-12-05T00:00:00Z"));
        byte[] data = NetViewCodec.encode(view);
        System.out.printf("NetViewCodecTest: 10 machines x 1,000 entries: %d bytes gzipped%n", data.length);
        assertThat(data.length).as("10 machines x 1,000 entries").isLessThan(NetViewCodec.ZNODE_LIMIT / 2);
        assertThat(data[0] & 0xff).isEqualTo(0x1f);
        assertThat(NetViewCodec.decode(data)).isEqualTo(view);
    }
}
