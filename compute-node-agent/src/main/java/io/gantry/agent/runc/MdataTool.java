package io.gantry.agent.runc;

import java.nio.file.Path;

/**
 * The in-zone mdata tools ({@code src/main/c/mdata.c}, built static at build time and packaged with the agent),
 * written to the agent's state dir, from where every zone mounts it read-only under its four names.
 */
public final class MdataTool {
    static final String RESOURCE = "/io/gantry/agent/mdata/mdata";

    private MdataTool() {
    }

    /** Writes the tool to {@code <stateDir>/mdata/mdata} unless the same bytes are there already; answers its path. */
    public static Path install(Path stateDir) {
        return PackagedTool.install(RESOURCE, stateDir.resolve("mdata").resolve("mdata"));
    }
}
