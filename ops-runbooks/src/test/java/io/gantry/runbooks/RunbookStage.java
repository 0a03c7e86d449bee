package io.gantry.runbooks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Where a runbook's blocks run: a started platform (or machine) and how to run one block there. */
public interface RunbookStage extends AutoCloseable {
    /** Variables every block of the runbook gets (PATH, GANTRY_*, RUNBOOK_WORK, ...). */
    Map<String, String> environment();

    /** The command line that runs one block's script file (already written to disk) with bash -euo pipefail: by default on this machine. */
    default List<String> command(Path script) {
        return List.of("bash", "-euo", "pipefail", script.toString());
    }

    /** Why this stage cannot run on this machine (skip reason), or empty. */
    default Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    void close();
}
