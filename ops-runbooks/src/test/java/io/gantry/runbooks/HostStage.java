package io.gantry.runbooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** No platform: blocks run on this machine with {@code gantry} first on PATH and a scratch {@code RUNBOOK_WORK}. */
final class HostStage implements RunbookStage {
    private final Map<String, String> environment;

    HostStage(Path work) {
        try {
            Path scratch = Files.createDirectories(work.resolve("work"));
            Path bin = Repo.gantryCommand(work.resolve("bin"));
            environment = Map.of("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                    "RUNBOOK_WORK", scratch.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> environment() {
        return environment;
    }

    @Override
    public void close() {
        // nothing started; the runner removes the work directory
    }
}
