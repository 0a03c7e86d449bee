package io.gantry.agent;

import io.gantry.common.GantryException;
import io.gantry.agent.net.Underlay;
import io.gantry.common.limits.OverprovisionRatios;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * One agent's settings. The node name keys everything the agent makes on the host (its network
 * namespace, cgroup parent and runc state root), so several agents can share a machine.
 *
 * <p>{@code overprovision} scales what a zone may be given of this node's memory and disk (see
 * {@link io.gantry.common.limits.PackageBounds}); it should be the provisioner's ratios, which is why
 * both read the same {@code overprovision-memory} and {@code overprovision-disk} settings.
 *
 * <p>{@code underlay} is where the node's overlay and outside traffic goes (see {@link Underlay}); by default the
 * host's loopback address, which serves a node alone on its host.
 */
public record AgentConfig(Path stateDir, String node, String runcBinary, OverprovisionRatios overprovision, Underlay underlay) {
    public static final String DEFAULT_NODE = "local";
    public static final Path DEFAULT_STATE_ROOT = Path.of("/var/lib/gantry");
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
        if (overprovision == null) {
            overprovision = OverprovisionRatios.NONE;
        }
        if (underlay == null) {
            underlay = Underlay.loopback(node);
        }
    }

    public AgentConfig(Path stateDir, String node, String runcBinary, OverprovisionRatios overprovision) {
        this(stateDir, node, runcBinary, overprovision, null);
    }

    public static AgentConfig of(Path stateDir, String node) {
        return new AgentConfig(stateDir, node, null, null);
    }

    public AgentConfig withOverprovision(OverprovisionRatios ratios) {
        return new AgentConfig(stateDir, node, runcBinary, ratios, underlay);
    }

    public AgentConfig withUnderlay(Underlay newUnderlay) {
        return new AgentConfig(stateDir, node, runcBinary, overprovision, newUnderlay);
    }

    public Path imagesDir() {
        return stateDir.resolve("images");
    }

    /** runc's state for this agent's zones: on tmpfs, so it is gone after a host reboot, as the zones are. */
    public Path runcRoot() {
        return Path.of("/run/gantry", node, "runc");
    }
}
