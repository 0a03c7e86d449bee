package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ZoneSpecTest {
    static final String IMAGE = "a".repeat(64);

    static ZoneSpec spec(UUID uuid) {
        return new ZoneSpec(uuid, "web-1", "acme", IMAGE, Package.custom(128, 50, 64, 1024));
    }

    @Test
    void aliasDefaultsToAShortFormOfTheUuid() {
        UUID id = UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        assertThat(new ZoneSpec(id, null, "acme", IMAGE, Package.custom(64, 0, 32, 64)).alias()).isEqualTo("z-0f1e2d3c");
    }

    @Test
    void aliasMustBeAHostname() {
        assertThatThrownBy(() -> new ZoneSpec(UUID.randomUUID(), "bad_name!", "acme", IMAGE, Package.custom(64, 0, 32, 64)))
                .hasMessageContaining("not a valid hostname");
        assertThatThrownBy(() -> new ZoneSpec(UUID.randomUUID(), "-x", "acme", IMAGE, Package.custom(64, 0, 32, 64)))
                .isInstanceOf(GantryException.class);
    }

    @Test
    void theHostnameRuleTheCloudApiHoldsNamesTo() {
        assertThat(ZoneSpec.isHostname("web-2")).isTrue();
        assertThat(ZoneSpec.isHostname("a".repeat(63))).isTrue();
        assertThat(ZoneSpec.isHostname("a".repeat(64))).isFalse();
        assertThat(ZoneSpec.isHostname("-x")).isFalse();
        assertThat(ZoneSpec.isHostname("x-")).isFalse();
        assertThat(ZoneSpec.isHostname("not_a_hostname")).isFalse();
        assertThat(ZoneSpec.isHostname("")).isFalse();
        assertThat(ZoneSpec.isHostname(null)).isFalse();
    }

    @Test
    void tenantNamesAreRestricted() {
        assertThatThrownBy(() -> new ZoneSpec(UUID.randomUUID(), "a", "Acme Corp", IMAGE, Package.custom(64, 0, 32, 64)))
                .hasMessageContaining("tenant must be");
    }

    @Test
    void uuidsAreParsedStrictly() {
        UUID id = UUID.randomUUID();
        assertThat(ZoneSpec.parseUuid(id.toString())).isEqualTo(id);
        assertThatThrownBy(() -> ZoneSpec.parseUuid("1-2-3-4-5")).hasMessageContaining("is not a UUID");
        assertThatThrownBy(() -> ZoneSpec.parseUuid("zone-one")).extracting(e -> ((GantryException) e).code())
                .isEqualTo(ErrorCode.InvalidArgument);
    }

    @Test
    void zoneRoundTripsThroughJson() {
        Zone z = Zone.provisioning(spec(UUID.randomUUID()), "10.200.0.2", Instant.parse("2026-11-25T10:00:00Z"));
        String json = Json.write(z);
        assertThat(json).contains("\"state\":\"provisioning\"").contains("\"createdAt\":\"2026-11-25T10:00:00Z\"");
        assertThat(Json.read(json, Zone.class)).isEqualTo(z);
    }

    @Test
    void errorsCarryTheirStableCodeAndHttpStatus() {
        GantryException e = GantryException.notFound("zone x not found");
        assertThat(e.body()).isEqualTo(new GantryException.ErrorBody("ResourceNotFound", "zone x not found"));
        assertThat(e.code().httpStatus()).isEqualTo(404);
        assertThat(ErrorCode.InvalidArgument.httpStatus()).isEqualTo(409);
    }
}
