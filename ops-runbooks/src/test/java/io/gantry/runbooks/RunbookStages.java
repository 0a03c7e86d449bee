package io.gantry.runbooks;

import java.nio.file.Path;

/** Opens the stage a runbook names on its stage line. */
final class RunbookStages {
    private RunbookStages() {
    }

    /** The stage {@code name}, started for one runbook whose private directory is {@code work}. */
    static RunbookStage open(String name, Path work) {
        return switch (name) {
            case "dev" -> new DevStage(work);
            case "host" -> new HostStage(work);
            case "debian" -> new DebianStage(work);
            default -> throw new IllegalArgumentException("unknown stage '" + name + "' (dev, host or debian)");
        };
    }
}
