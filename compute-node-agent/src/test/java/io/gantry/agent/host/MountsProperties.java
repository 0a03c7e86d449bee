package io.gantry.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Mount points as /proc/self/mountinfo escapes them. */
class MountsProperties {

    @Property
    void aMountPointReadsBackFromTheKernelsEscapes(@ForAll("paths") String path) {
        assertThat(Mounts.unescape(escape(path))).isEqualTo(path);
    }

    @Property
    void anyFieldUnescapesWithoutFailing(@ForAll("fields") String field) {
        assertThat(Mounts.unescape(field).length()).isLessThanOrEqualTo(field.length());
    }

    /** What the kernel's show_mountinfo does: space, tab, newline and backslash as \ooo. */
    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
                sb.append(String.format("\\%03o", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars("/ab \t\n\\0123").ofMaxLength(40));
    }

    @Provide
    Arbitrary<String> fields() {
        return Arbitraries.oneOf(paths(), Arbitraries.strings().withChars("\\0123456789+-x").ofMaxLength(20),
                Arbitraries.of("\\", "\\0", "\\04", "\\040", "\\+12", "\\-12", "\\999", "a\\"));
    }
}
