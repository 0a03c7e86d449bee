package io.gantry.common.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.GantryVersion;
import io.gantry.common.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAdvertTest {
    @Test
    void anAdvertCarriesTheAgentsVersionAndReadsBack() {
        NodeAdvert advert = new NodeAdvert("cn1", "10.0.0.1", "runc", new NodeCapacity(4096, 10_000, 4), Map.of("ssd", "true"),
                Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(advert.version()).isEqualTo(GantryVersion.current()).isNotBlank(); // "dev" from classes, the version from the jar
        assertThat(Json.read(Json.write(advert), NodeAdvert.class)).isEqualTo(advert);
    }

    @Test
    void anOldAdvertWithoutVersionStillParses() {
        String old = """
                {"node":"cn1","address":"10.0.0.1","backend":"runc","capacity":{"memoryMiB":4096,"diskMiB":10000,"cpus":4},
                 "traits":{},"since":"2026-01-02T03:04:05Z"}""";
        NodeAdvert advert = Json.read(old, NodeAdvert.class);
        assertThat(advert.node()).isEqualTo("cn1");
        assertThat(advert.capacity().memoryMiB()).isEqualTo(4096);
        assertThat(advert.version()).isNull();
    }
}
