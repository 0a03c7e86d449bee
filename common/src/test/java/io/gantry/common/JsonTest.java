package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void contentAfterTheValueIsRefusedNotIgnored() {
        assertThatThrownBy(() -> Json.read("{\"a\":1}{\"b\":2}", Map.class))
                .isInstanceOf(GantryException.class)
                .satisfies(e -> assertThat(((GantryException) e).code()).isEqualTo(ErrorCode.InvalidArgument))
                .hasMessageContaining("malformed Map JSON");
        assertThatThrownBy(() -> Json.read("[1] 2", Object.class)).isInstanceOf(GantryException.class);
        assertThat(Json.read(" {\"a\":1}\n", Map.class)).isEqualTo(Map.of("a", 1));
    }
}
