package io.gantry.common.coord;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataLimitsTest {
    @Test
    void aLargeUserScriptFitsAndWhatIsOverALimitIsNamed() {
        assertThat(MetadataLimits.problem("user-script", "x".repeat(100 * 1024))).isEmpty();
        assertThat(MetadataLimits.problem("user-script", "x".repeat(MetadataLimits.MAX_VALUE_BYTES))).isEmpty();
        assertThat(MetadataLimits.problem("user-script", "x".repeat(MetadataLimits.MAX_VALUE_BYTES + 1)))
                .hasValueSatisfying(p -> assertThat(p).contains("user-script").contains(Integer.toString(MetadataLimits.MAX_VALUE_BYTES)));
        assertThat(MetadataLimits.problem("é".repeat(MetadataLimits.MAX_VALUE_BYTES / 2), null))
                .as("a key is limited in characters").isPresent();
        assertThat(MetadataLimits.problem("k", "é".repeat(MetadataLimits.MAX_VALUE_BYTES / 2 + 1)))
                .as("a value in UTF-8 bytes: two a character here").isPresent();
        assertThat(MetadataLimits.problem("", "v")).hasValue("a metadata key must not be empty");
        assertThat(MetadataLimits.problem("gone", null)).as("a removal has no value to measure").isEmpty();
    }

    @Test
    void theWholeMachineIsLimitedToo() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("a", "x".repeat(MetadataLimits.MAX_VALUE_BYTES));
        assertThat(MetadataLimits.problem(metadata)).isEmpty();
        metadata.put("b", "x".repeat(MetadataLimits.MAX_VALUE_BYTES));
        assertThat(MetadataLimits.problem(metadata)).hasValueSatisfying(p -> assertThat(p).contains("more than 524288"));
        metadata.put("b", 42);
        assertThat(MetadataLimits.problem(metadata)).isEmpty();
    }

    @Test
    void sdcKeysAreThePlatforms() {
        assertThat(MetadataLimits.isPlatformKey("sdc:alias")).isTrue();
        assertThat(MetadataLimits.isPlatformKey("user-script")).isFalse();
        assertThat(MetadataLimits.isPlatformKey(null)).isFalse();
    }
}
