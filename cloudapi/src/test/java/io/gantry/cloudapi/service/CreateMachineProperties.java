package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A CreateMachine body of any shape is a request or an InvalidArgument; what was asked for is what is read. */
class CreateMachineProperties {

    @Property(tries = 400)
    void anyBodyIsARequestOrAnInvalidArgument(@ForAll("bodies") Map<String, Object> body) {
        Throwable thrown = catchThrowable(() -> CreateMachine.fromParams(body));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Property(tries = 300)
    void whatIsAskedForIsRead(@ForAll("uuids") UUID id, @ForAll("plain") Map<String, String> tags,
                              @ForAll("plain") Map<String, String> metadata, @ForAll("ids") List<String> networks,
                              @ForAll("ids") List<String> affinity, @ForAll boolean firewall) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("uuid", id.toString().toUpperCase());
        body.put("tags", tags);
        metadata.forEach((k, v) -> body.put("metadata." + k, v));
        if (!networks.isEmpty()) {
            body.put("networks", String.join(",", networks));
        }
        body.put("affinity", affinity);
        body.put("firewall_enabled", firewall);
        CreateMachine req = CreateMachine.fromParams(body);
        assertThat(req.id()).isEqualTo(id);
        assertThat(req.tags()).isEqualTo(tags);
        assertThat(req.metadata()).isEqualTo(metadata);
        assertThat(req.networks().stream().map(NetworkChoice::network).toList()).isEqualTo(networks.isEmpty() ? List.of() : networks);
        assertThat(req.affinity()).isEqualTo(affinity);
        assertThat(req.firewallEnabled()).isEqualTo(firewall);
    }

    @Provide
    Arbitrary<UUID> uuids() {
        return Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()));
    }

    @Provide
    Arbitrary<Map<String, String>> plain() {
        return Arbitraries.maps(Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(10),
                Arbitraries.strings().all().ofMaxLength(10)).ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<String>> ids() {
        return Arbitraries.strings().alpha().numeric().withChars("-=!~*").ofMinLength(1).ofMaxLength(12).list().ofMaxSize(3);
    }

    /** Values as Jackson reads a JSON body: strings, numbers, booleans, null, lists and objects, nested. */
    private static Arbitrary<Object> values() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(12), Arbitraries.integers(),
                Arbitraries.longs(), Arbitraries.doubles(), Arbitraries.of(true, false), Arbitraries.just(null),
                Arbitraries.of("", " ", ",", ",,", "1-1-1-1-1", UUID.randomUUID().toString()));
        return Arbitraries.recursive(() -> scalar, v -> Arbitraries.oneOf(v.list().ofMaxSize(3).map(l -> (Object) l),
                Arbitraries.maps(Arbitraries.of("ipv4_uuid", "a", "", " "), v).ofMaxSize(2).map(m -> (Object) m)), 0, 2);
    }

    @Provide
    Arbitrary<Map<String, Object>> bodies() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of("uuid", "name", "image", "package", "networks", "affinity", "tags", "metadata", "firewall_enabled",
                        "deletion_protection", "tag.", "tag. ", "metadata.", "tag.role", "metadata.user-script"),
                Arbitraries.strings().all().ofMaxLength(10));
        return Arbitraries.maps(names, values()).ofMaxSize(6);
    }
}
