package io.gantry.testkit.docker;

/**
 * A bridge of its own for a test's dockerd that needs no default network, in place of {@code --bridge=none}: a dockerd
 * started with none deletes the host's {@code docker0}, on which another dockerd of this host (the runbooks' Debian
 * stage, in a lane beside) has its containers. This bridge is made here with its own address, so the engine sets its
 * default network up on it and leaves docker0 alone.
 */
public final class PrivateBridge {
    private PrivateBridge() {
    }

    /** The dockerd option for the bridge {@code name} with address {@code cidr}, which is made (addressed, up) unless it is there. */
    public static String option(String name, String cidr) {
        if (!HostCommand.run("ip", "link", "show", "dev", name).ok()) {
            HostCommand.run("ip", "link", "add", name, "type", "bridge").check("ip link add " + name);
            HostCommand.run("ip", "addr", "add", cidr, "dev", name).check("ip addr add " + cidr + " dev " + name);
            HostCommand.run("ip", "link", "set", name, "up").check("ip link set " + name + " up");
        }
        return "--bridge=" + name;
    }

    /** Removes it, once its dockerd has stopped. */
    public static void remove(String name) {
        HostCommand.run("ip", "link", "del", name);
    }
}
