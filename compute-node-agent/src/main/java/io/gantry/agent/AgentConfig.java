package io.gantry.agent;

import io.gantry.common.GantryException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One agent's settings. The node name keys everything the agent makes on the host (its network
 * namespace, cgroup parent and runc state root), so several agents can share a machine.
 */
public record AgentConfig(Path stateDir, String node, String runcBinary, Path initBinary) {
    public static final String DEFAULT_NODE = "local";
    public static final Path DEFAULT_STATE_ROOT = Path.of("/var/lib/gantry");
    public static final Path DEFAULT_INIT = Path.of("/usr/bin/tini-static");
    private static final Pattern NODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,15}");

    public AgentConfig {
        if (node == null || !NODE.matcher(node).matches()) {
            throw GantryException.invalid("node name must be 1-16 lower-case letters, digits or '-'; got '" + node + "'");
        }
        if (stateDir == null) {
            stateDir = DEFAULT_STATE_ROOT.resolve(node);
        }
        stateDir = stateDir.toAbsolutePath().normalize();
        if (runcBinary == null) {
            runcBinary = "runc";
        }
        if (initBinary == null) {
            initBinary = DEFAULT_INIT;
        }
    }

    public static AgentConfig of(Path stateDir, String node) {
        return new AgentConfig(stateDir, node, null, null);
    }

    public Path imagesDir() {
        return stateDir.resolve("images");
    }

    /** runc's state for this agent's zones: on tmpfs, so it is gone after a host reboot, as the zones are. */
    public Path runcRoot() {
        return Path.of("/run/gantry", node, "runc");
    }
}
