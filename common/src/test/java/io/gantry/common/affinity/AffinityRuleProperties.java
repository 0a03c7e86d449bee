package io.gantry.common.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Affinity rules and their value patterns: a rule reads back from its text, any text is a rule or an InvalidArgument. */
class AffinityRuleProperties {

    @Property
    void aRuleReadsBackFromItsText(@ForAll("ruleTexts") String text) {
        AffinityRule rule;
        try {
            rule = AffinityRule.parse(text);
        } catch (GantryException e) {
            return; // refusals are anyTextIsARuleOrAnInvalidArgument's business
        }
        assertThat(AffinityRule.parse(rule.toString())).isEqualTo(rule);
    }

    @Property
    void anyTextIsARuleOrAnInvalidArgument(@ForAll("texts") String text) {
        Throwable thrown = catchThrowable(() -> {
            AffinityRule rule = AffinityRule.parse(text);
            rule.matches(new Named(UUID.randomUUID(), text, Map.of(rule.key(), text)));
        });
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(GantryException.class);
            assertThat(((GantryException) thrown).code()).isEqualTo(ErrorCode.InvalidArgument);
        }
    }

    @Property
    void aLiteralMatchesItselfOnlyAndAGlobMatchesWhatItSpells(@ForAll("words") String value, @ForAll("words") String other) {
        ValuePattern literal = ValuePattern.of(value);
        assertThat(literal.matches(value)).isTrue();
        assertThat(literal.matches(other)).isEqualTo(value.equals(other));
        String glob = value.replace("*", "") + "*";
        assertThat(ValuePattern.of(glob).matches(value.replace("*", "") + other)).isTrue();
        assertThat(ValuePattern.of("/" + Pattern.quote(value) + "/").matches("x" + value + "x")).isTrue();
    }

    /**
     * Names and tag values. No unpaired surrogates: two of them can join into one character ("\ud800" + "\udc00"
     * is U+10000), so a value would no longer start with the other's text, and matching is by character.
     */
    @Provide
    Arbitrary<String> words() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().withChars("-_.").ofMinLength(1).ofMaxLength(12),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12).filter(s -> !s.startsWith("/"))
                        .filter(s -> s.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE)));
    }

    @Provide
    Arbitrary<String> ruleTexts() {
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("instance", "container", "inst", "role"),
                Arbitraries.strings().alpha().numeric().withChars("_-.").ofMinLength(1).ofMaxLength(10));
        Arbitrary<String> op = Arbitraries.of("==", "!=", "==~", "!=~", "=~", "!~");
        Arbitrary<String> value = Arbitraries.oneOf(words(), words().map(w -> w + "*"), words().map(w -> "*" + w),
                Arbitraries.of("/^db[0-9]+$/", "/web/", "~x", "=x", " ~x", "*", "**"));
        Arbitrary<String> space = Arbitraries.of("", " ", "  ");
        return Combinators.combine(key, space, op, space, value).as((k, s1, o, s2, v) -> k + s1 + o + s2 + v);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(ruleTexts(),
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars("=!~ */^$()[]{}+?\\|ab").ofMaxLength(30),
                Arbitraries.integers().between(1, 20_000).map(n -> "role==/" + "(".repeat(n) + "a" + ")".repeat(n) + "/"),
                Arbitraries.integers().between(1, 20_000).map(n -> "role==/" + "(a|b)*".repeat(n) + "/"),
                Arbitraries.integers().between(100, 100_000).map(n -> "instance!=" + "*".repeat(n)),
                Arbitraries.of("", " ", "==", "a==", "==b", "a b==c", "a=b", "a~b", "a!b", "a==//", "a==/", "a==/[/", "a==/(?<n>x)\\k<m>/"));
    }

    private record Named(UUID id, String name, Map<String, String> tags) implements AffinityRule.Machine {
    }
}
