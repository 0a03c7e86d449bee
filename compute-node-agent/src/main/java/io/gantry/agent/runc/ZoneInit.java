package io.gantry.agent.runc;

import java.nio.file.Path;

/**
 * Every zone's process 1 ({@code src/main/c/zone-init.c}, built static and packaged with the agent), bind-mounted
 * read-only at {@link OciSpec#INIT_PATH}: starts the zone's command, passes it the zone's signals, reaps orphans, and
 * sleeps until a signal comes (tini, used before, woke every second in every zone).
 */
public final class ZoneInit {
    static final String RESOURCE = "/io/gantry/agent/runc/zone-init";

    private ZoneInit() {
    }

    /** Writes the init to {@code <stateDir>/tools/zone-init} unless the same bytes are there already; answers its path. */
    public static Path install(Path stateDir) {
        return PackagedTool.install(RESOURCE, stateDir.resolve("tools").resolve("zone-init"));
    }
}
