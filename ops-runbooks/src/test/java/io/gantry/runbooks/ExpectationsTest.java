package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
    private static List<Pattern> p(String... regexes) {
        return java.util.Arrays.stream(regexes).map(Pattern::compile).toList();
    }

    private static final String OUT = "LOGIN  ID\nadmin  1 true\ndemo   2 false\nfay    3 false\n";

    @Test
    void patternsFoundInOrderPass() {
        assertThat(Expectations.firstMissing(p("^LOGIN", "^demo", "fay +3"), OUT)).isEmpty();
    }

    @Test
    void aPatternAppearingOnlyBeforeTheOneBeforeItIsMissing() {
        assertThat(Expectations.firstMissing(p("^fay", "^demo"), OUT)).map(Pattern::pattern).contains("^demo");
    }

    @Test
    void twoPatternsMayMatchOneLine() {
        assertThat(Expectations.firstMissing(p("admin", "true"), OUT)).isEmpty();
    }

    @Test
    void theFirstPatternNotFoundIsNamed() {
        assertThat(Expectations.firstMissing(p("LOGIN", "gone", "fay"), OUT)).map(Pattern::pattern).contains("gone");
        assertThat(Expectations.firstMissing(p("x"), "")).map(Pattern::pattern).contains("x");
    }

    @Test
    void aPatternIsFoundInsideALineNotMatchedWhole() {
        assertThat(Expectations.firstMissing(p("2 fal"), OUT)).isEmpty();
        assertThat(Expectations.firstMissing(p("^2"), OUT)).isPresent();
    }

    @Test
    void noPatternsIsNothingMissing() {
        assertThat(Expectations.firstMissing(List.of(), "whatever")).isEmpty();
    }
}
