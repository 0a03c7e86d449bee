package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
    @Test
    void bareNumbersUseTheFlagsUnit() {
        assertThat(Sizes.toMiB("2", "G")).isEqualTo(2048);
        assertThat(Sizes.toMiB("256", "M")).isEqualTo(256);
    }

    @Test
    void suffixesOverrideTheUnit() {
        assertThat(Sizes.toMiB("512M", "G")).isEqualTo(512);
        assertThat(Sizes.toMiB("1.5G", "M")).isEqualTo(1536);
        assertThat(Sizes.toMiB("2GiB", "M")).isEqualTo(2048);
        assertThat(Sizes.toMiB("64mb", "G")).isEqualTo(64);
    }

    @Test
    void nonsenseIsAClearError() {
        assertThatThrownBy(() -> Sizes.toMiB("lots", "G")).hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> Sizes.toMiB("-1", "G")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> Sizes.toMiB("0", "G")).hasMessageContaining("is not a size");
    }

    @Test
    void tebibytesAndRoundingToTheNearestMiB() {
        assertThat(Sizes.toMiB("1T", "G")).isEqualTo(1_048_576);
        assertThat(Sizes.toMiB("0.001G", "M")).isEqualTo(1);
        assertThat(Sizes.toMiB("1.0004", "M")).isEqualTo(1);
    }

    @Test
    void aSizeWhoseBytesWouldOverflowIsRefusedNotWrapped() {
        assertThatThrownBy(() -> Sizes.toMiB("9999999999999", "M"))
                .hasMessage("'9999999999999' is more than the largest size, 1099511627776 MiB (1 EiB)");
        assertThatThrownBy(() -> Sizes.toMiB("8796093022208M", "G")).hasMessageContaining("is more than the largest size");
        assertThat(Sizes.toMiB("1099511627776", "M")).isEqualTo(1_099_511_627_776L);
    }

    @Test
    void exponentsSignsAndOtherScriptsDigitsAreNotSizes() {
        assertThatThrownBy(() -> Sizes.toMiB("1e3", "M")).hasMessageContaining("'1e3' is not a size");
        assertThatThrownBy(() -> Sizes.toMiB("+5", "M")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> Sizes.toMiB("\u0661\u0662", "M")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> Sizes.toMiB("NaN", "M")).hasMessageContaining("is not a size");
    }

    @Test
    void theRefusalQuotesTheTextOnOneLine() {
        assertThatThrownBy(() -> Sizes.toMiB("1\n2", "M")).hasMessage("'1\\u000a2' is not a size (examples: 2, 512M, 1.5G)");
        assertThatThrownBy(() -> Sizes.toMiB("9".repeat(100), "M")).hasMessageStartingWith("'" + "9".repeat(40) + "…' is not a size");
    }
}
