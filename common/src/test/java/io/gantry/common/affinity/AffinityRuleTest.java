package io.gantry.common.affinity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AffinityRuleTest {

    @Test
    void hardInstanceRuleReadsKeyOperatorAndValue() {
        AffinityRule rule = AffinityRule.parse("instance==db1");
        assertThat(rule.key()).isEqualTo("instance");
        assertThat(rule.instanceRule()).isTrue();
        assertThat(rule.equal()).isTrue();
        assertThat(rule.soft()).isFalse();
        assertThat(rule.value().text()).isEqualTo("db1");
    }

    @Test
    void aHardRuleWhoseValueStartsWithATildeIsRefusedAsAmbiguous() {
        // found by AffinityRuleProperties: "instance== ~x" read as hard with value ~x, but was written back as
        // instance==~x, which reads as soft with value x
        assertThatThrownBy(() -> AffinityRule.parse("instance== ~x")).isInstanceOf(GantryException.class)
                .hasMessageContaining("is ambiguous: write instance==~x for a preference");
        assertThat(AffinityRule.parse("instance==~~x").value().text()).as("a soft rule may still match ~x").isEqualTo("~x");
    }

    @Test
    void aRegularExpressionTooDeepForTheValueIsAnInvalidArgumentNotAStackOverflow() {
        // found by AffinityRuleProperties: (a|b)* recurses once per character in java.util.regex
        AffinityRule rule = AffinityRule.parse("role==/^(a|b)*$/");
        var machine = new Named(UUID.randomUUID(), "m", Map.of("role", "ab".repeat(50_000)));
        assertThatThrownBy(() -> rule.matches(machine)).isInstanceOf(GantryException.class)
                .hasMessageContaining("is too deep to match a value of 100000 characters");
        assertThatThrownBy(() -> AffinityRule.parse("role==" + "a".repeat(AffinityRule.MAX_LENGTH)))
                .hasMessageContaining("at most 1024 characters");
    }

    @ParameterizedTest
    @CsvSource({
        "instance==~db1, true, true",
        "instance!=~db1, false, true",
        "instance=~db1, true, true",
        "instance!~db1, false, true",
        "instance==db1, true, false",
        "instance!=db1, false, false",
    })
    void tildeMakesTheRuleSoftInTritonsAndTheShortSpelling(String text, boolean equal, boolean soft) {
        AffinityRule rule = AffinityRule.parse(text);
        assertThat(rule.equal()).isEqualTo(equal);
        assertThat(rule.soft()).isEqualTo(soft);
        assertThat(rule.value().text()).isEqualTo("db1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"container==db1", "inst==db1", "  instance == db1  "})
    void containerAndInstAreSynonymsOfInstanceAndSpacesAroundPartsAreIgnored(String text) {
        assertThat(AffinityRule.parse(text)).isEqualTo(AffinityRule.parse("instance==db1"));
    }

    @Test
    void anyOtherKeyIsATagRuleMatchingThatTagsValue() {
        AffinityRule rule = AffinityRule.parse("role!=web");
        assertThat(rule.instanceRule()).isFalse();
        assertThat(rule.matches(machine("a", Map.of("role", "web")))).isTrue();
        assertThat(rule.matches(machine("web", Map.of("role", "db")))).isFalse();
        assertThat(rule.matches(machine("web", Map.of()))).isFalse();
    }

    @Test
    void globsMatchTheWholeName() {
        AffinityRule rule = AffinityRule.parse("instance==db*");
        assertThat(rule.matches(machine("db1", Map.of()))).isTrue();
        assertThat(rule.matches(machine("db", Map.of()))).isTrue();
        assertThat(rule.matches(machine("mydb1", Map.of()))).isFalse();
        assertThat(AffinityRule.parse("instance==*-db-*").matches(machine("a-db-2", Map.of()))).isTrue();
        assertThat(AffinityRule.parse("instance==d.1").matches(machine("db1", Map.of()))).isFalse();
    }

    @Test
    void regexesBetweenSlashesAreFoundAnywhereInTheName() {
        assertThat(AffinityRule.parse("instance==/db[0-9]/").matches(machine("mydb7x", Map.of()))).isTrue();
        assertThat(AffinityRule.parse("instance==/^db[0-9]$/").matches(machine("mydb7", Map.of()))).isFalse();
        assertThat(AffinityRule.parse("role==/^(web|api)$/").matches(machine("x", Map.of("role", "api"))))
                .isTrue();
    }

    @Test
    void aLiteralUuidNamesTheMachineById() {
        Named m = machine("db1", Map.of());
        assertThat(AffinityRule.parse("instance==" + m.id()).matches(m)).isTrue();
        assertThat(AffinityRule.parse("instance==" + UUID.randomUUID()).matches(m)).isFalse();
    }

    @Test
    void printsInTritonsSpellingAndParsesBackToItself() {
        for (String text : new String[] {"instance==db1", "instance!=~db*", "role==~/^w/", "role!=web"}) {
            assertThat(AffinityRule.parse(text)).hasToString(text);
            assertThat(AffinityRule.parse(AffinityRule.parse(text).toString())).isEqualTo(AffinityRule.parse(text));
        }
        assertThat(AffinityRule.parse("container=~db1")).hasToString("instance==~db1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                | must not be empty",
        "instance          | has no operator",
        "instance=db1      | unknown operator",
        "instance<>db1     | has no operator",
        "==db1             | has no key",
        "instance==        | has no value",
        "instance!=~       | has no value",
        "my tag==x         | has a space in its key",
        "instance==/[/     | is not valid",
        "instance==//      | is empty",
    })
    void badTextIsAnInvalidArgumentThatSaysWhatIsWrong(String text, String says) {
        assertThatThrownBy(() -> AffinityRule.parse(text))
                .isInstanceOf(GantryException.class)
                .hasMessageContaining(says)
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument);
    }

    @Test
    void nullTextIsAnInvalidArgument() {
        assertThatThrownBy(() -> AffinityRule.parse(null)).isInstanceOf(GantryException.class)
                .hasMessageContaining("expected KEY==VALUE");
    }

    /** A tenant's machine as rules see it. */
    private record Named(UUID id, String name, Map<String, String> tags) implements AffinityRule.Machine {
    }

    private static Named machine(String name, Map<String, String> tags) {
        return new Named(UUID.randomUUID(), name, tags);
    }
}
