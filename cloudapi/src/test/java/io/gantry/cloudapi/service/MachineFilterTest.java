package io.gantry.cloudapi.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MachineFilterTest {
    @Test
    void valuesTravelAsParametersNeverAsSqlText() {
        var query = new LinkedHashMap<String, Object>();
        query.put("tag.role", "' or 1=1 --");
        query.put("memory", 128);
        var f = MachineFilter.of(query);
        assertThat(f.sql()).isEqualTo(" and coalesce(m.tags ->> cast(:f0 as text), 'null') = cast(:f1 as text)"
                + " and cast(m.memory as text) = cast(:f2 as text)");
        assertThat(f.parameters()).containsExactly(Map.entry("f0", "role"), Map.entry("f1", "' or 1=1 --"), Map.entry("f2", "128"));
    }

    @Test
    void parametersThatAreNotFiltersAreIgnored() {
        var f = MachineFilter.of(Map.of("limit", "5", "offset", "2", "credentials", "true"));
        assertThat(f.sql()).isEmpty();
        assertThat(f.parameters()).isEmpty();
    }

    @Test
    void whatNoColumnCanHoldMatchesNothingWithoutAskingPostgres() {
        for (var query : new Map<?, ?>[] {Map.of("tag.a\u0000b", "x"), Map.of("tag.role", "web\u0000"), Map.of("name", "\uD800"),
                Map.of("docker", "true"), Map.of("type", "virtualmachine")}) {
            @SuppressWarnings("unchecked")
            var f = MachineFilter.of((Map<String, Object>) query);
            assertThat(f.sql()).as(query.toString()).isEqualTo(" and false");
            assertThat(f.parameters()).as(query.toString()).isEmpty();
        }
    }
}
