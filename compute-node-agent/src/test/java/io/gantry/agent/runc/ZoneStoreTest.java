package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Package;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneStoreTest {
    @TempDir
    Path state;

    @Test
    void recordsSurviveANewStoreAndStrayDirsAreListed() throws IOException {
        ZoneStore store = new ZoneStore(state, "n1");
        Zone zone = Zone.provisioning(new ZoneSpec(UUID.randomUUID(), "a", "acme", "d".repeat(64), Package.custom(64, 0, 32, 64)),
                "10.200.0.2", Instant.parse("2026-11-25T00:00:00Z"));
        store.save(zone);
        UUID stray = UUID.randomUUID();
        Files.createDirectories(store.layout(stray).dir());
        Files.createDirectories(state.resolve("zones/not-a-zone"));

        ZoneStore reopened = new ZoneStore(state, "n1");
        assertThat(reopened.find(zone.uuid())).contains(zone);
        assertThat(reopened.all()).containsExactly(zone);
        assertThat(reopened.zoneDirs()).containsExactlyInAnyOrder(zone.uuid(), stray);
        assertThat(state.resolve("zones").resolve(zone.uuid().toString()).resolve("zone.json.tmp")).doesNotExist();
    }
}
