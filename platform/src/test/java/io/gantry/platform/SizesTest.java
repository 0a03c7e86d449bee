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
}
