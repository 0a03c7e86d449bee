package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's work on a zone's disk as direct system calls ({@code src/main/c/zone-disk.c}, built static and packaged
 * with the agent), written to the agent's state dir: the image's sparse copy, the loop device, the mounts and unmounts.
 * {@code cp}, {@code losetup}, {@code mount} and {@code umount} were a process each on a zone's create and delete, and
 * util-linux's mount and umount read the whole mount table first, a few lines per zone on the node, so their cost grew
 * with occupancy; this is one small process for all of a create's or a delete's disk work.
 */
record DiskTool(Path binary) {
    static final String RESOURCE = "/io/gantry/agent/runc/zone-disk";

    /** Writes the tool to {@code <stateDir>/tools/zone-disk} unless the same bytes are there already. */
    static DiskTool install(Path stateDir) {
        return new DiskTool(PackagedTool.install(RESOURCE, stateDir.resolve("tools").resolve("zone-disk")));
    }

    /** What one run does, in order; the first failure ends it. */
    static final class Steps {
        private final List<String> args = new ArrayList<>();

        /** {@code image} becomes a sparse copy of {@code template} (blocks of zeros become holes), flushed to disk. */
        Steps copy(Path template, Path image) {
            return add("copy", template.toString(), image.toString());
        }

        /**
         * Attaches {@code image} to a free loop device and mounts its ext4 at {@code mountPoint}; a device another
         * process takes or detaches meanwhile is given up for a fresh one (at most 3 tries).
         */
        Steps attach(Path image, Path mountPoint) {
            return add("attach", image.toString(), mountPoint.toString());
        }

        /** Makes {@code upper} and {@code work} if missing and mounts their overlay on {@code lower} at {@code mountPoint}. */
        Steps overlay(Path lower, Path upper, Path work, Path mountPoint) {
            return add("overlay", lower.toString(), upper.toString(), work.toString(), mountPoint.toString());
        }

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

        private Steps add(String op, String... opArgs) {
            args.add(op);
            args.addAll(List.of(opArgs));
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
