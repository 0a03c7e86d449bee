package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** ZoneSpec's UUID parser and the JSON a zone spec travels in, on arbitrary text. */
class ZoneSpecProperties {

    @Property
    void aUuidReadsBackAsItself(@ForAll("uuids") UUID id) {
        assertThat(ZoneSpec.parseUuid(id.toString())).isEqualTo(id);
        assertThat(ZoneSpec.parseUuid(id.toString().toUpperCase())).isEqualTo(id);
    }

    @Property
    void anyTextIsAUuidOrAnInvalidArgument(@ForAll("text") String text) {
        Throwable thrown = catchThrowable(() -> assertThat(ZoneSpec.parseUuid(text).toString()).isEqualToIgnoringCase(text));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Property
    void aSpecSurvivesItsJson(@ForAll("uuids") UUID id, @ForAll("tenants") String tenant) {
        ZoneSpec spec = new ZoneSpec(id, null, tenant, "img", Package.custom(64, 0, 32, 64));
        assertThat(Json.read(Json.write(spec), ZoneSpec.class)).isEqualTo(spec);
    }

    /** A record's own refusal passes through Json.read: a missing field is MissingParameter, anything else InvalidArgument. */
    @Property(tries = 300)
    void anyTextReadAsARecordIsOneOrARefusal(@ForAll("json") String text) {
        for (Class<?> type : new Class<?>[] {ZoneSpec.class, Package.class, ResourceUpdate.class, Zone.class, Image.class,
                io.gantry.common.coord.NodeTask.class, io.gantry.common.coord.NodeAdvert.class, io.gantry.common.usage.UsageAck.class,
                io.gantry.common.usage.UsageBatch.class, io.gantry.common.coord.NodeReport.class,
                io.gantry.common.coord.TaskResult.class}) {
            Throwable thrown = catchThrowable(() -> Json.read(text, type));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(GantryException.class);
                assertThat(((GantryException) thrown).code()).isIn(ErrorCode.InvalidArgument, ErrorCode.MissingParameter);
            }
        }
    }

    @Provide
    Arbitrary<UUID> uuids() {
        return Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
    }

    @Provide
    Arbitrary<String> tenants() {
        return Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(64);
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789abcdefABCDEF-+ ").ofMaxLength(45),
                uuids().map(u -> u.toString().replace('-', ':')),
                uuids().map(u -> " " + u),
                uuids().map(u -> u.toString().substring(1)),
                Arbitraries.of("", " ", "\u0000", "1-1-1-1-1", "00000000-0000-0000-0000-0000000000000",
                        "fffffffff-ffff-ffff-ffff-ffffffffffff", "x".repeat(100_000)));
    }

    @Provide
    Arbitrary<String> json() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("1e400", "-1e400", "99999999999999999999999", "1.5", "-0", "NaN", "null", "\"12\"", "true"));
        Arbitrary<String> field = Arbitraries.of("uuid", "alias", "tenant", "imageId", "pkg", "name", "memoryMiB", "swapMiB",
                "vcpus", "cpuCap", "lwps", "diskMiB", "packageName", "x", "spec", "state", "action", "id", "kind", "update",
                "node", "capacity", "traits", "records", "acked", "zone", "seq", "created", "sha256", "sizeBytes");
        Arbitrary<String> value = Arbitraries.oneOf(number, Arbitraries.strings().all().ofMaxLength(10).map(Json::write),
                Arbitraries.of("{}", "[]", "[1,2]", "{\"name\":\"p\",\"memoryMiB\":64,\"lwps\":32,\"diskMiB\":64}"));
        Arbitrary<String> object = Arbitraries.maps(field, value).ofMaxSize(8).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return sb.append('}').toString();
        });
        return Arbitraries.oneOf(object, Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.integers().between(1, 5000).map(n -> "[".repeat(n) + "]".repeat(n)),
                Arbitraries.integers().between(1, 5000).map(n -> "{\"pkg\":".repeat(n) + "1" + "}".repeat(n)),
                Arbitraries.of("", "null", "[]", "\"x\"", "{", "{\"uuid\":"));
    }
}
