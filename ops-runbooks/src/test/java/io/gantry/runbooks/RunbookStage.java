package io.gantry.runbooks;
/** Where a runbook's blocks run: a started platform (or machine) and how to run one block there. */
public interface RunbookStage extends AutoCloseable {
    /** Variables every block of the runbook gets (PATH, GANTRY_*, RUNBOOK_WORK, ...). */
    java.util.Map<String, String> environment();
    /** The command line that runs one block's script file (already written to disk) with bash -euo pipefail. */
    java.util.List<String> command(java.nio.file.Path script);
    /** Why this stage cannot run on this machine (skip reason), or empty. */
    java.util.Optional<String> unavailable();
    @Override void close();
}
