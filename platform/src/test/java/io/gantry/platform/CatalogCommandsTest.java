package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.cloudapi.Seed;
import io.gantry.testkit.SignedClient;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry catalog package|image} against a real cloud API (on embedded PostgreSQL): a package added with its
 * options, listed with its state, deprecated (tenants no longer see it nor create machines of it), removed once unused;
 * an image deprecated and removed likewise. Every refusal is one line with its exit code and changes nothing.
 */
class CatalogCommandsTest extends WithOperatorCli {
    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aPackageIsAddedListedDeprecatedAndRemovedOnceUnused() {
        String name = "cli-" + suffix();
        GantryRun add = gantry("catalog", "package", "add", name, "--memory", "512", "--disk", "2048", "--vcpus", "2", "--swap", "1024",
                "--lwps", "700", "--version", "3.0.0", "--group", "web", "--description", "for the test", "--traits", "ssd=true,rack=r1");
        assertThat(add.exit()).as(add.toString()).isZero();
        assertThat(add.out()).contains("\"name\" : \"" + name + "\"").contains("\"version\" : \"3.0.0\"").contains("\"cpu_cap\" : 200")
                .contains("\"ssd\" : true").contains("\"rack\" : \"r1\"").contains("\"active\" : true");
        assertThat(gantry("catalog", "package", "list").out()).containsPattern("(?m)^NAME +VERSION +STATE +MEMORY +DISK +VCPUS +ID +MACHINES$")
                .containsPattern("(?m)^" + name + " +3\\.0\\.0 +active +512 +2048 +2 +[0-9a-f-]{36} 0$");
        assertThat(gantry("catalog", "package", "get", name).out()).contains("\"lwps\" : 700").contains("\"group\" : \"web\"");

        SignedClient tenant = plane.account("t" + suffix());
        var machine = tenant.post("/my/machines", plane.machine("m1", name));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);

        GantryRun deprecate = gantry("catalog", "package", "deprecate", name);
        assertThat(deprecate.exit()).as(deprecate.toString()).isZero();
        assertThat(deprecate.out()).isEqualTo("package " + name + " deprecated; 1 machine keep it\n");
        assertThat(gantry("catalog", "package", "list").out()).containsPattern("(?m)^" + name + " +3\\.0\\.0 +deprecated .* 1$");
        assertThat(tenant.get("/my/packages").list()).extracting(p -> p.get("name")).doesNotContain(name);
        var refused = tenant.post("/my/machines", plane.machine("m2", name));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("message").toString()).contains("package " + name + " is deprecated");

        assertRefused(gantry("catalog", "package", "remove", name), 1, "package " + name + " is used by 1 machine");
        assertThat(gantry("catalog", "package", "get", name).exit()).isZero();
        fixtureDeletes(machine.json().get("id").toString());
        GantryRun remove = gantry("catalog", "package", "remove", name);
        assertThat(remove.exit()).as(remove.toString()).isZero();
        assertThat(remove.out()).isEqualTo("package " + name + " removed\n");
        assertRefused(gantry("catalog", "package", "get", name), 3, "package " + name + " not found [ResourceNotFound]");

        assertThat(gantry("ops", "audit", "--limit", "3").out()).containsPattern("(?m)^\\S+ +admin +package-remove +" + name + " +ok$")
                .containsPattern("(?m)^\\S+ +admin +package-remove +" + name + " +failed: InvalidState: package " + name + " is used by 1 machine");
    }

    private void fixtureDeletes(String machine) {
        try (var c = java.sql.DriverManager.getConnection(plane.db.jdbcUrl(), plane.db.user(), plane.db.password());
             var st = c.prepareStatement("update machines set state = 'deleted' where id = ?")) {
            st.setObject(1, UUID.fromString(machine));
            assertThat(st.executeUpdate()).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void badPackagesAndUnknownEntriesAreOneLineWithTheirExitCode() {
        String name = "bad-" + suffix();
        assertRefused(gantry("catalog", "package", "add", name, "--memory", "8", "--disk", "1024", "--vcpus", "1"), 2,
                "memory must be at least 16 MiB, got 8 [InvalidArgument]");
        assertRefused(gantry("catalog", "package", "add", name, "--memory", "256", "--disk", "1024", "--vcpus", "1", "--swap", "128"), 2,
                "swap (128 MiB) must be at least memory (256 MiB)");
        assertRefused(gantry("catalog", "package", "add", "no way", "--memory", "256", "--disk", "1024", "--vcpus", "1"), 2,
                "package name must be 1-64 letters");
        assertRefused(gantry("catalog", "package", "add", name, "--memory", "lots", "--disk", "1024", "--vcpus", "1"), 2,
                "Invalid value for option '--memory'");
        assertRefused(gantry("catalog", "package", "add", name, "--disk", "1024", "--vcpus", "1"), 2, "Missing required option: '--memory");
        assertRefused(gantry("catalog", "package", "get", name), 3, "package " + name + " not found");
        assertThat(gantry("catalog", "package", "add", name, "--memory", "256", "--disk", "1024", "--vcpus", "1").exit()).isZero();
        assertRefused(gantry("catalog", "package", "add", name, "--memory", "256", "--disk", "1024", "--vcpus", "1", "--version", "2.0.0"), 2,
                "package " + name + " exists");
        assertRefused(gantry("catalog", "package", "deprecate", "none-" + suffix()), 3, "not found [ResourceNotFound]");
        assertRefused(gantry("catalog", "package", "remove", "none-" + suffix()), 3, "not found [ResourceNotFound]");
        assertRefused(gantry("catalog", "image", "deprecate", "none-" + suffix()), 3, "not found [ResourceNotFound]");
        assertRefused(gantry("catalog", "image", "remove", UUID.randomUUID().toString()), 3, "not found [ResourceNotFound]");
        assertThat(gantry("catalog", "package", "add", "--help").out()).contains("--version=<version>").contains("--help");
        assertThat(gantry("catalog", "package", "list", "--help").out()).contains("Print the packages as JSON.");
        assertThat(gantry("catalog", "image", "list", "--help").out()).contains("Print the images as JSON.");
        assertThat(gantry("catalog", "network", "list", "--help").out()).contains("Print the networks as JSON.");
        assertThat(gantry("catalog", "network", "get", "--help").out()).contains("The network's name or id.");
    }

    @Test
    void anImageIsDeprecatedHiddenFromTenantsAndRemovedOnceUnused() {
        String name = "img-" + suffix();
        UUID id;
        try (Seed seed = new Seed(plane.db)) {
            id = seed.image(name, "1.0.0", "other", ControlPlaneFixture.NODE_IMAGE, "for the test");
        }
        SignedClient tenant = plane.account("t" + suffix());
        var machine = tenant.post("/my/machines", Map.of("name", "m1", "image", id.toString(), "package", plane.smallPackage));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);

        GantryRun deprecate = gantry("catalog", "image", "deprecate", name + "@1.0.0");
        assertThat(deprecate.exit()).as(deprecate.toString()).isZero();
        assertThat(deprecate.out()).isEqualTo("image " + name + "@1.0.0 deprecated; 1 machine keep it\n");
        assertThat(gantry("catalog", "image", "list").out()).containsPattern("(?m)^" + name + " +1\\.0\\.0 +deprecated +other +" + id + " 1$");
        assertThat(tenant.get("/my/images").list()).extracting(i -> i.get("id")).doesNotContain(id.toString());
        var refused = tenant.post("/my/machines", Map.of("name", "m2", "image", id.toString(), "package", plane.smallPackage));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("message").toString()).contains("image " + name + "@1.0.0 is deprecated");

        assertRefused(gantry("catalog", "image", "remove", name), 1, "image " + name + "@1.0.0 is used by 1 machine; it can be removed once no machine (but deleted ones) has it");
        fixtureDeletes(machine.json().get("id").toString());
        assertThat(gantry("catalog", "image", "remove", id.toString()).out()).isEqualTo("image " + id + " removed\n");
        assertRefused(gantry("catalog", "image", "get", id.toString()), 3, "not found");
    }

    @Test
    void anExternalNetworkIsAddedListedAndRemovedOnceNoNicIsOnIt() {
        String name = "ext-" + suffix();
        GantryRun add = gantry("catalog", "network", "add", name, "--subnet", "192.0.2.0/28", "--description", "doc range");
        assertThat(add.exit()).as(add.toString()).isZero();
        assertThat(add.out()).contains("\"name\" : \"" + name + "\"").contains("\"gateway\" : \"192.0.2.1\"").contains("\"public\" : true");
        assertThat(gantry("catalog", "network", "list").out()).containsPattern("(?m)^NAME +SUBNET +GATEWAY +RANGE +ID +NICS$")
                .containsPattern("(?m)^" + name + " +192\\.0\\.2\\.0/28 +192\\.0\\.2\\.1 +192\\.0\\.2\\.2-192\\.0\\.2\\.14 +[0-9a-f-]{36} 0$");
        assertRefused(gantry("catalog", "network", "add", "other-" + suffix(), "--subnet", "192.0.2.8/29"), 2, "overlaps 192.0.2.0/28");
        assertRefused(gantry("catalog", "network", "add", "bad-" + suffix(), "--subnet", "192.0.2.1/28"), 2, "not a network address");

        SignedClient tenant = plane.account("t" + suffix());
        var machine = tenant.post("/my/machines", Map.of("name", "m1", "image", plane.image.toString(), "package", plane.smallPackage,
                "networks", java.util.List.of(name)));
        assertThat(machine.status()).as(machine.body()).isEqualTo(201);
        assertThat(machine.json().get("primaryIp")).isEqualTo("192.0.2.2");
        assertThat(gantry("catalog", "network", "get", name).out()).contains("\"nics\" : 1");
        assertRefused(gantry("catalog", "network", "remove", name), 1, "external network " + name + " has 1 NIC on it");
        try (var c = java.sql.DriverManager.getConnection(plane.db.jdbcUrl(), plane.db.user(), plane.db.password());
             var st = c.prepareStatement("delete from nics where machine_id = ?")) {
            st.setObject(1, UUID.fromString(machine.json().get("id").toString()));
            assertThat(st.executeUpdate()).isEqualTo(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        GantryRun remove = gantry("catalog", "network", "remove", name);
        assertThat(remove.exit()).as(remove.toString()).isZero();
        assertThat(remove.out()).isEqualTo("network " + name + " removed\n");
        assertRefused(gantry("catalog", "network", "get", name), 3, "external network " + name + " not found [ResourceNotFound]");
    }
}
