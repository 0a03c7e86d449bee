package io.gantry.agent.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.coord.NodeAdvert;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The advert measures this host (no ZooKeeper, no zones). */
class NodeAdvertTest {
    @TempDir
    Path stateDir;

    @Test
    void advertMeasuresTheHost() {
        NodeAdvert advert = NodeCoordinator.advertFor("cn1", "10.0.0.1", "runc", Map.of("ssd", "true"), stateDir.resolve("cn1"));

        assertThat(advert.node()).isEqualTo("cn1");
        assertThat(advert.traits()).containsEntry("ssd", "true");
        assertThat(advert.capacity().cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(advert.capacity().memoryMiB()).isGreaterThan(64);
        assertThat(advert.capacity().diskMiB()).isPositive();
        assertThat(advert.since()).isNotNull();
    }
}
