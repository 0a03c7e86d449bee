package io.gantry.cluster.nemesis;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One thing the checker found wrong: which rule, which machine, what was seen, and the history entries that show it
 * (every entry about that machine, so the reader sees what was asked, acknowledged and answered).
 */
public record Violation(Rule rule, UUID machine, String detail, List<Op> evidence) {

    public enum Rule {
        /** An acknowledged create is not exactly one machine that runs or is deleted. */
        ACKNOWLEDGED_CREATE,
        /** A create the system refused, or never asked for, left a machine. */
        UNASKED_MACHINE,
        /** A machine whose delete was acknowledged was read alive after a read had shown it deleted, or ended alive or with a zone. */
        DELETE_CAME_BACK,
        /** A zone on a node has no record that wants it there. */
        ORPHAN_ZONE,
        /** A running record has no zone, or zones on more than one node. */
        RUNNING_WITHOUT_ONE_ZONE,
        /** A machine ended in a state a converged cluster does not leave (provisioning, failed, …). */
        NOT_CONVERGED,
        /** A machine's package is none it was created with or asked to resize to. */
        UNREQUESTED_PACKAGE,
        /** Metered usage differs from the node's counter by more than the tolerance. */
        USAGE_MISMATCH
    }

    public Violation {
        evidence = List.copyOf(evidence);
    }

    public String describe() {
        return rule + (machine == null ? "" : " " + machine) + ": " + detail
                + evidence.stream().map(op -> "\n    " + op.describe()).collect(Collectors.joining());
    }
}
