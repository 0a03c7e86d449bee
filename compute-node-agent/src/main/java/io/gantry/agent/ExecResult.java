package io.gantry.agent;

/** What a command run inside a zone did. */
public record ExecResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }
}
