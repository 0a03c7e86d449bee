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
    void imageJsonWrittenBeforeOsAndArchitectureStillReads() {
        String id = "0123456789ab" + "c".repeat(52);
        Image old = Json.read("{\"id\":\"" + id + "\",\"name\":\"busybox\",\"sizeBytes\":10,\"importedAt\":\"1970-01-01T00:00:00Z\"}", Image.class);
        assertThat(old).isEqualTo(new Image(id, "busybox", 10, Instant.EPOCH));
        assertThat(old.os()).isNull();
        Image layered = new Image(id, "alpine", 10, Instant.EPOCH, "linux", "amd64");
        assertThat(Json.read(Json.write(layered), Image.class)).isEqualTo(layered);
        assertThat(Json.write(old)).doesNotContain("os").doesNotContain("architecture");
    }

    @Test
    void namesAreRestricted() {
        assertThat(Image.requireValidName("debian-12.minbase")).isEqualTo("debian-12.minbase");
        assertThatThrownBy(() -> Image.requireValidName("../etc")).hasMessageContaining("image name must be");
    }
}
