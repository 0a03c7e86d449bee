package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonObjectBodyTest {
    private static final String SHAPE = "a thing is {\"n\": a number, \"s\": a string}";

    private static JsonObjectBody parse(String body) {
        return JsonObjectBody.parse(body == null ? null : body.getBytes(StandardCharsets.UTF_8), "thing", Set.of("n", "s"), SHAPE);
    }

    private static void assertRefused(Runnable parse, String message) {
        assertThatThrownBy(parse::run).isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessage(message);
    }

    @Test
    void anObjectOfKnownFieldsGivesItsValues() {
        JsonObjectBody body = parse("{\"n\": 3, \"s\": \"x\"}");
        assertThat(body.required("n").asInt()).isEqualTo(3);
        assertThat(body.requiredText("s")).isEqualTo("x");
        assertThat(parse("{\"n\": null}").optional("n")).isNull();
        assertThat(parse("{}").optionalText("s")).isNull();
    }

    @Test
    void everyRefusalIsOneLineEndingInTheShape() {
        assertRefused(() -> parse(null), "the body must be a JSON object; " + SHAPE);
        assertRefused(() -> parse(""), "the body must be a JSON object; " + SHAPE);
        assertRefused(() -> parse("[1]"), "the body must be a JSON object; " + SHAPE);
        assertRefused(() -> parse("{\"n\": 1, \"colour\": 2}"), "unknown field 'colour'; " + SHAPE);
        assertRefused(() -> parse("{}").required("n"), "n is missing; " + SHAPE);
        assertRefused(() -> parse("{\"s\": null}").requiredText("s"), "s is missing; " + SHAPE);
        assertRefused(() -> parse("{\"s\": 5}").optionalText("s"), "s must be a string; got 5; " + SHAPE);
        assertThatThrownBy(() -> parse("{\"n\":")).isInstanceOf(GantryException.class)
                .hasMessageStartingWith("malformed thing JSON: ").hasMessageEndingWith("; " + SHAPE)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
