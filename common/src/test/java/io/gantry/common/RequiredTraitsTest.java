package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequiredTraitsTest {
    @Test
    void readsStringsBooleansAndArraysAsAllowedValues() {
        RequiredTraits t = RequiredTraits.fromJson(Map.of("ssd", true, "env", "prod", "hw", List.of("a", "b")), "package p");
        assertThat(t.allowed()).isEqualTo(Map.of("ssd", Set.of("true"), "env", Set.of("prod"), "hw", Set.of("a", "b")));
        assertThat(t.toString()).isEqualTo("env=prod, hw=a|b, ssd=true");
        assertThat(t.toJson()).isEqualTo(Map.of("ssd", "true", "env", "prod", "hw", List.of("a", "b")));
        assertThat(RequiredTraits.fromJson(t.toJson(), "machine")).isEqualTo(t);
        assertThat(RequiredTraits.fromJson(null, "x").isEmpty()).isTrue();
    }

    @Test
    void refusesValuesThatAreNotStringsBooleansOrArraysOfThose() {
        assertThatThrownBy(() -> RequiredTraits.fromJson(Map.of("cores", 4), "package p"))
                .isInstanceOf(GantryException.class)
                .hasMessage("package p's trait 'cores' must be a string, a boolean or an array of those, not 4");
        assertThatThrownBy(() -> RequiredTraits.fromJson(Map.of("hw", List.of()), "image i"))
                .hasMessageContaining("image i has a trait 'hw' without a name or a value");
    }

    @Test
    void isMetWhenEveryTraitHasAnAllowedValue() {
        RequiredTraits t = RequiredTraits.fromJson(Map.of("ssd", true, "hw", List.of("a", "b")), "p");
        assertThat(t.metBy(Map.of("ssd", "true", "hw", "b", "extra", "x"))).isTrue();
        assertThat(t.unmetBy(Map.of("ssd", "true", "hw", "c"))).isEqualTo("hw");
        assertThat(t.unmetBy(Map.of("hw", "a"))).isEqualTo("ssd");
        assertThat(RequiredTraits.NONE.metBy(Map.of())).isTrue();
    }

    @Test
    void anImagesAndAPackagesTraitsMergeToWhatBothAllow() {
        RequiredTraits image = RequiredTraits.fromJson(Map.of("hw", List.of("a", "b"), "ssd", true), "image i");
        RequiredTraits pkg = RequiredTraits.fromJson(Map.of("hw", "b", "env", "prod"), "package p");
        assertThat(image.and(pkg, "image i", "package p").toJson())
                .isEqualTo(Map.of("hw", "b", "ssd", "true", "env", "prod"));
        RequiredTraits clash = RequiredTraits.fromJson(Map.of("ssd", false), "package q");
        assertThatThrownBy(() -> image.and(clash, "image i", "package q"))
                .isInstanceOf(GantryException.class)
                .hasMessage("image i requires trait ssd=true but package q requires ssd=false; no node can have both")
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument);
    }
}
