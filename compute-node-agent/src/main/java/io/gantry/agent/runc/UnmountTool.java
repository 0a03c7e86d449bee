package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's unmounts and loop detaches as direct system calls ({@code src/main/c/zone-unmount.c}, built static and
 * packaged with the agent), written to the agent's state dir. util-linux's {@code umount} reads the whole mount table
 * first, a few lines per zone on the node, so its cost grew with occupancy; this is one small process for all of a
 * zone's unmounts.
 */
record UnmountTool(Path binary) {
    static final String RESOURCE = "/io/gantry/agent/runc/zone-unmount";

    /** Writes the tool to {@code <stateDir>/tools/zone-unmount} unless the same bytes are there already. */
    static UnmountTool install(Path stateDir) {
        return new UnmountTool(PackagedTool.install(RESOURCE, stateDir.resolve("tools").resolve("zone-unmount")));
    }

    /** What one run does, in order; the first failure ends it. */
    static final class Steps {
        private final List<String> args = new ArrayList<>();

        /** Shuts the ext4 filesystem at {@code mountPoint} down without writing back anything (for a disk thrown away). */
        Steps shutdown(Path mountPoint) {
            return add("shutdown", mountPoint.toString());
        }

        Steps umount(Path mountPoint) {
            return add("umount", mountPoint.toString());
        }

        /** Detaches loop device {@code device} (/dev/loopN) from its file. */
        Steps detach(String device) {
            return add("detach", device);
        }

        boolean isEmpty() {
            return args.isEmpty();
        }

        private Steps add(String op, String arg) {
            args.add(op);
            args.add(arg);
            return this;
        }
    }

    /** Runs the steps; throws with the tool's message at the first that fails. Nothing to do does nothing. */
    void run(Steps steps) {
        if (steps.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(steps.args);
        Cmd.run(command).orThrow();
    }
}
