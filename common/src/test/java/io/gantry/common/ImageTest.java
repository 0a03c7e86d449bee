package io.gantry.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ImageTest {
    @Test
    void idIsASha256AndShortIdIsItsFirstTwelveDigits() {
        Image i = new Image("0123456789ab" + "c".repeat(52), "busybox", 10, Instant.EPOCH);
        assertThat(i.shortId()).isEqualTo("0123456789ab");
        assertThatThrownBy(() -> new Image("abc", "busybox", 1, Instant.EPOCH)).hasMessageContaining("sha256");
    }

    @Test
    void namesAreRestricted() {
        assertThat(Image.requireValidName("debian-12.minbase")).isEqualTo("debian-12.minbase");
        assertThatThrownBy(() -> Image.requireValidName("../etc")).hasMessageContaining("image name must be");
    }
}
