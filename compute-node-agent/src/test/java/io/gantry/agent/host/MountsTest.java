package io.gantry.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MountsTest {

    @Test
    void onlyThreeOctalDigitsAreAnEscape() {
        assertThat(Mounts.unescape("/mnt/a\\040b\\134c")).isEqualTo("/mnt/a b\\c");
        // found by MountsProperties: a backslash before anything but three octal digits threw NumberFormatException
        // ("\\///"), and "\\+12" or "\\-12" were read as characters 10 and -10
        assertThat(Mounts.unescape("\\///")).isEqualTo("\\///");
        assertThat(Mounts.unescape("\\+12")).isEqualTo("\\+12");
        assertThat(Mounts.unescape("\\-12")).isEqualTo("\\-12");
        assertThat(Mounts.unescape("a\\04")).isEqualTo("a\\04");
    }
}
