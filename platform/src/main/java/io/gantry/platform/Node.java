package io.gantry.platform;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.host.HostProbe;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.image.ImageStore;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.Image;
import io.gantry.common.limits.OverprovisionRatios;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens this node's runc backend for a command, after checking that the host can run zones. */
final class Node {
    private Node() {
    }

    static AgentConfig config(GantryCommand root) {
        AgentConfig config = AgentConfig.of(root.stateDir, root.node);
        if (Files.exists(config.stateDir()) && !Files.isDirectory(config.stateDir())) {
            throw GantryException.invalid("the state directory " + config.stateDir() + " is not a directory (--state-dir or GANTRY_STATE_DIR)");
        }
        return config;
    }

    static RuncZoneBackend open(GantryCommand root) {
        return open(root, HostProbe.run());
    }

    /** As {@link #open(GantryCommand)}; zones made or resized are checked against the node times these ratios. */
    static RuncZoneBackend open(GantryCommand root, OverprovisionRatios ratios) {
        return open(config(root).withOverprovision(ratios), HostProbe.run());
    }

    /** As {@link #open(GantryCommand, OverprovisionRatios)}, with the node's tenant network traffic on {@code underlay}. */
    static RuncZoneBackend open(GantryCommand root, OverprovisionRatios ratios, io.gantry.agent.net.Underlay underlay) {
        return open(config(root).withOverprovision(ratios).withUnderlay(underlay), HostProbe.run());
    }

    /** As {@link #open(GantryCommand)}, with the probe the caller has already run. */
    static RuncZoneBackend open(GantryCommand root, HostProbe.Report probe) {
        return open(config(root), probe);
    }

    private static RuncZoneBackend open(AgentConfig config, HostProbe.Report probe) {
        if (!probe.readyForRunc()) {
            throw new GantryException(ErrorCode.ServiceUnavailable, "this host cannot run zones yet: " + probe.advice()
                    + ". Run './gantry probe' for details.");
        }
        return RuncZoneBackend.open(config);
    }

    /** Builds the busybox image from the host's busybox-static and imports it, unless it is there already. */
    static Image ensureBusyboxImage(AgentConfig config, ImageStore images) {
        Path tarball = config.stateDir().resolve("busybox.tar");
        BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, tarball);
        return images.importTarball(tarball, BusyboxImage.NAME);
    }
}
