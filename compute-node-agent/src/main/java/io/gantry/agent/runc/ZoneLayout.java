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

    public String containerId() {
        return uuid.toString();
    }

    public String netns() {
        return netnsOf(uuid);
    }

    /** The zone's own network namespace. */
    public static String netnsOf(UUID uuid) {
        return "gz-" + uuid;
    }

    public String cgroupParent() {
        return "gantry-" + node;
    }

    public String cgroupsPath() {
        return "/" + cgroupParent() + "/" + uuid;
    }
}
