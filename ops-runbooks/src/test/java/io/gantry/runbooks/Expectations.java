package io.gantry.runbooks;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An {@code ```expect} block against a block's output: each pattern must be found in some line of
 * the output, in order (a pattern is looked for from the line where the one before it was found, so
 * two patterns may match one line).
 */
final class Expectations {
    private Expectations() {
    }

    /** The first pattern not found in order, or empty when every one is. */
    static Optional<Pattern> firstMissing(List<Pattern> patterns, String output) {
        String[] lines = output.split("\\R", -1);
        int from = 0;
        for (Pattern p : patterns) {
            int found = -1;
            for (int i = from; i < lines.length && found < 0; i++) {
                if (p.matcher(lines[i]).find()) {
                    found = i;
                }
            }
            if (found < 0) {
                return Optional.of(p);
            }
            from = found;
        }
        return Optional.empty();
    }
}
