package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MachineJsonCacheTest {

    @Test
    void aMachinesJsonIsGivenOnlyForTheVersionItWasWrittenFrom() {
        var cache = new MachineJsonCache(1 << 20);
        UUID id = UUID.randomUUID();
        byte[] v1 = "{\"state\":\"running\"}".getBytes(StandardCharsets.UTF_8);
        cache.put(id, "741/10.0.0.5/net", v1);

        assertThat(cache.get(id, "741/10.0.0.5/net")).isSameAs(v1);
        assertThat(cache.get(id, "742/10.0.0.5/net")).as("the row changed").isNull();
        assertThat(cache.get(id, "741/10.0.0.6/net")).as("its NIC changed").isNull();
        assertThat(cache.get(UUID.randomUUID(), "741/10.0.0.5/net")).isNull();

        byte[] v2 = "{\"state\":\"stopped\"}".getBytes(StandardCharsets.UTF_8);
        cache.put(id, "742/10.0.0.5/net", v2);
        assertThat(cache.get(id, "742/10.0.0.5/net")).isSameAs(v2);
        assertThat(cache.get(id, "741/10.0.0.5/net")).as("the older version is replaced").isNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void itStaysWithinItsBytes() {
        long max = 64 * 1024;
        var cache = new MachineJsonCache(max);
        byte[] json = new byte[1400];
        for (int i = 0; i < 1000; i++) {
            cache.put(UUID.randomUUID(), "1/a/b", json);
            assertThat(cache.bytes()).isLessThanOrEqualTo(max);
        }
        assertThat(cache.size()).isBetween(1, (int) (max / json.length));
        cache.put(UUID.randomUUID(), "1/a/b", new byte[(int) max + 1]);
        assertThat(cache.bytes()).as("a machine bigger than the whole cache is not kept").isLessThanOrEqualTo(max);
    }
}
