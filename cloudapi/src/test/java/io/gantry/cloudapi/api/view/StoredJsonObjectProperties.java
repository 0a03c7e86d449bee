package io.gantry.cloudapi.api.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.time.OffsetDateTime;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A stored JSON object written token by token is the JSON the map read from it would be written as. */
class StoredJsonObjectProperties {

    /** Texts as other writers may leave them: null members kept (jsonb keeps them), any nesting. */
    private static final ObjectMapper KEEPS_NULLS = new ObjectMapper();

    @Property(tries = 500)
    void aListedMachineIsWrittenAsTheMachineIs(@ForAll("objects") Map<String, Object> metadata, @ForAll("objects") Map<String, Object> tags)
            throws Exception {
        MachineRecord m = machine(KEEPS_NULLS.writeValueAsString(metadata), KEEPS_NULLS.writeValueAsString(tags));
        assertThat(Json.write(MachineView.listed(m))).isEqualTo(Json.write(MachineView.of(m)));
    }

    @Property(tries = 300)
    void readsAsTheParsedMap(@ForAll("objects") Map<String, Object> object) throws Exception {
        String stored = KEEPS_NULLS.writeValueAsString(object);
        assertThat(StoredJsonObject.of(stored)).isEqualTo(JsonText.object(stored));
    }

    /** Texts as PostgreSQL's jsonb gives them back (spaces, its own key order, numerics as written) and Jackson never writes. */
    @Example
    void jsonbTextIsWrittenAsItsMapIs() {
        for (String stored : List.of("{\"a\": 1.50, \"b\": 1e2, \"c\": 100000000000000000000, \"d\": -0.0}",
                "{\"on\": true, \"off\": false, \"none\": null, \"deep\": {\"x\": [1, 2.5, \"s\", null, {\"y\": [], \"z\": null}]}}",
                "{\"big\": 9223372036854775808, \"neg\": -2147483649, \"small\": -2147483648, \"tiny\": 1e-7, \"esc\": \"\\u00e9\\n\\\"\"}",
                "{}", "  {\"k\" : \"v\"}  ")) {
            MachineRecord m = machine(stored, stored);
            assertThat(Json.write(MachineView.listed(m))).as(stored).isEqualTo(Json.write(MachineView.of(m)));
        }
    }

    private static MachineRecord machine(String metadata, String tags) {
        MachineRecord m = new MachineRecord();
        m.id = UUID.fromString("6a4d2c5e-1f0b-4f4e-9a57-4d0f7e1c2b3a");
        m.name = "web-1";
        m.state = "running";
        m.brand = "joyent";
        m.imageId = UUID.fromString("0b6f3a1c-5e2d-4c7b-8a9e-1d2c3b4a5f60");
        m.packageName = "g1.medium";
        m.memory = 1024;
        m.disk = 25600;
        m.ip = "10.64.0.9";
        m.nicIps = "10.64.0.9";
        m.nicNetworks = "7d9e2f1a-3b4c-4d5e-8f6a-7b8c9d0e1f2a";
        m.networks = "[]";
        m.metadata = metadata;
        m.tags = tags;
        m.created = OffsetDateTime.parse("2026-12-05T09:00:00.123456Z");
        m.updated = OffsetDateTime.parse("2026-12-05T09:00:01Z");
        return m;
    }

    @Example
    void noTextIsAnEmptyObject() {
        assertThat(Json.write(StoredJsonObject.of(null))).isEqualTo("{}");
        assertThat(Json.write(StoredJsonObject.of(" "))).isEqualTo("{}");
    }

    @Example
    void aColumnThatIsNoObjectIsRefused() {
        assertThatThrownBy(() -> Json.write(StoredJsonObject.of("[1]"))).hasStackTraceContaining("corrupt JSON object column");
        assertThatThrownBy(() -> Json.write(StoredJsonObject.of("{\"a\": 1"))).isInstanceOf(IllegalStateException.class);
    }

    @Provide
    Arbitrary<Map<String, Object>> objects() {
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(12), values(2)).ofMaxSize(8).map(LinkedHashMap::new);
    }

    private static Arbitrary<Object> values(int depth) {
        Arbitrary<Object> scalars = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.bigIntegers().between(new java.math.BigInteger("-1" + "0".repeat(30)), new java.math.BigInteger("1" + "0".repeat(30)))
                        .map(b -> (Object) b),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just(null));
        if (depth == 0) {
            return scalars;
        }
        return Arbitraries.oneOf(scalars,
                values(depth - 1).list().ofMaxSize(4).map(l -> (Object) l),
                Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), values(depth - 1)).ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m)));
    }
}
