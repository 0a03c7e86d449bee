package io.gantry.runbooks;

import java.util.Optional;
import java.util.regex.Pattern;

/** Whether a block did what its runbook says: ended in time, with its exit status, printing what its expect block expects. */
final class BlockVerdict {
    private BlockVerdict() {
    }

    /** What is wrong, in words for the failure message; empty when the block passed. */
    static Optional<String> fault(ShellBlock block, BlockResult result) {
        if (result.timedOut()) {
            return Optional.of("did not end within its time limit of " + block.timeout().toSeconds() + " s (sh timeout=N raises it); killed");
        }
        if (result.exit() != block.exit()) {
            return Optional.of("exited " + result.exit() + ", expected " + block.exit());
        }
        Optional<Pattern> missing = Expectations.firstMissing(block.expect(), result.output());
        return missing.map(p -> "printed no line matching the expect line '" + p.pattern() + "' (expect lines are found in order)");
    }
}
