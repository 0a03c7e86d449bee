package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A machine records the traits its image and package require of its node, merged when it is created. */
class MachineTraitsTest extends WithTestPlatform {
    static UUID ssdPackage;
    static UUID hddPackage;
    static UUID rackImage;

    @BeforeAll
    static void start() throws Exception {
        try (Seed seed = new Seed(platform.db)) {
            ssdPackage = seed.pkg("ssd-128M", 128, 1024, 1, 100, 256, "on SSD nodes", false, Map.of("ssd", true));
            hddPackage = seed.pkg("hdd-128M", 128, 1024, 1, 100, 256, "on spinning disks", false, Map.of("ssd", false));
            rackImage = seed.image("busybox-racked", "1.0.0", "other", "busybox", "racks a or b",
                    Map.of("rack", List.of("a", "b"), "ssd", List.of("true")));
        }
    }

    private static Map<String, Object> create(String name, UUID image, UUID pkg) {
        return Map.of("name", name, "image", image.toString(), "package", pkg.toString());
    }

    @Test
    void theImagesAndThePackagesTraitsAreRecordedOnTheMachine() throws Exception {
        var client = platform.account("traits-" + UUID.randomUUID().toString().substring(0, 8));
        var made = client.post("/my/machines", create("fast", rackImage, ssdPackage));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        assertThat(traitsOf(UUID.fromString(made.json().get("id").toString())))
                .isEqualTo(Map.of("rack", List.of("a", "b"), "ssd", "true"));
        var plain = client.post("/my/machines", create("plain", platform.image, platform.smallPackage));
        assertThat(plain.status()).as(plain.body()).isEqualTo(201);
        assertThat(traitsOf(UUID.fromString(plain.json().get("id").toString()))).isEmpty();
    }

    @Test
    void anImageAndAPackageThatDisagreeOnATraitAreRefused() throws Exception {
        var client = platform.account("clash-" + UUID.randomUUID().toString().substring(0, 8));
        var refused = client.post("/my/machines", create("slow", rackImage, hddPackage));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json()).containsEntry("code", "InvalidArgument").containsEntry("message",
                "image busybox-racked@1.0.0 requires trait ssd=true but package hdd-128M requires ssd=false; no node can have both");
        assertThat(client.get("/my/machines").body()).isEqualTo("[]");
    }

    @Test
    void theSeedRefusesTraitsTritonCouldNotHold() {
        try (Seed seed = new Seed(platform.db)) {
            assertThatThrownBy(() -> seed.pkg("bad-traits", 128, 1024, 1, 100, 256, "bad", false, Map.of("cores", 4)))
                    .isInstanceOf(GantryException.class)
                    .hasMessageContaining("package bad-traits's trait 'cores' must be a string, a boolean or an array");
        }
    }

    @Test
    void packagesAndImagesDoNotShowTraitsAsTritonsCloudApiDoesNot() throws Exception {
        var client = platform.account("viewer-" + UUID.randomUUID().toString().substring(0, 8));
        var pkg = client.get("/my/packages/" + ssdPackage);
        assertThat(pkg.status()).isEqualTo(200);
        assertThat(pkg.json()).doesNotContainKey("traits").containsEntry("name", "ssd-128M");
        assertThat(client.get("/my/images/" + rackImage).json()).doesNotContainKey("traits");
    }

    private static Map<String, Object> traitsOf(UUID machine) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(platform.db.jdbcUrl(), platform.db.user(), platform.db.password());
             var st = c.prepareStatement("select traits::text from machines where id = ?")) {
            st.setObject(1, machine);
            try (var rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return Json.mapper().readValue(rs.getString(1), Map.class);
            }
        }
    }
}
