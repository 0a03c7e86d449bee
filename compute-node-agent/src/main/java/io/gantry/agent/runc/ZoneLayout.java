package io.gantry.agent.runc;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Where every piece of one zone lives, and the names the kernel knows it by. All derive from the
 * zone's UUID and the node's name, so a half-made zone can be found and removed from its UUID alone.
 */
public record ZoneLayout(Path dir, UUID uuid, String node) {

    public static ZoneLayout of(Path zonesDir, UUID uuid, String node) {
        return new ZoneLayout(zonesDir.resolve(uuid.toString()), uuid, node);
    }

    public Path record() {
        return dir.resolve("zone.json");
    }

    /** Present from the first step of a create until the zone runs: a zone with it is half-made. */
    public Path guard() {
        return dir.resolve("creating");
    }

    public Path diskImage() {
        return dir.resolve("disk.img");
    }

    public Path diskMount() {
        return dir.resolve("disk");
    }

    public Path upper() {
        return diskMount().resolve("upper");
    }

    public Path work() {
        return diskMount().resolve("work");
    }

    public Path rootfs() {
        return dir.resolve("rootfs");
    }

    public Path config() {
        return dir.resolve("config.json");
    }

    public Path log() {
        return dir.resolve("zone.log");
    }

    /**
     * The directory of the zone's metadata socket, bind-mounted into the zone at {@code /native/.zonecontrol} (the
     * directory, so a restarted agent can make the socket again). On the node's tmpfs under {@code /run} rather than
     * in {@link #dir()}: a UNIX socket's path must fit in 108 bytes, which a state directory deep in /tmp does not.
     */
    public Path metadataDir() {
        return Path.of("/run/gantry", node, "mdata", uuid.toString());
    }

    public Path metadataSocket() {
        return metadataDir().resolve("metadata.sock");
    }

    public String containerId() {
        return uuid.toString();
    }

    public String netns() {
        return netnsOf(node, uuid);
    }

    /**
     * The zone's own network namespace on {@code node}. The node is in the name because the namespaces of a host are
     * one set: where two nodes share a host (a second agent for an evacuation, tests), a zone that moves between them
     * has a namespace on each for a moment, and the one it leaves must not remove the other's.
     */
    public static String netnsOf(String node, UUID uuid) {
        return "gz-" + node + "." + uuid;
    }

    /** The name agents gave the zone's namespace before the node was in it; a zone running since then is still in it. */
    public String earlierNetns() {
        return "gz-" + uuid;
    }

    public String cgroupParent() {
        return "gantry-" + node;
    }

    public String cgroupsPath() {
        return "/" + cgroupParent() + "/" + uuid;
    }
}
