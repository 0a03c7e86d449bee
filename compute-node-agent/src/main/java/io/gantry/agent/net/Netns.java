package io.gantry.agent.net;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.host.Cmd;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands in one network namespace: a name under /run/netns, or null for the agent's own (the host). Batches go
 * through one {@code ip -batch} or {@code nft -f} process, as each process costs milliseconds on a zone's create path.
 * Commands enter the namespace with {@code nsenter --net} alone: {@code ip -n} and {@code ip netns exec} also make a
 * private copy of the whole mount table (to remount /sys), and a node holds a few mounts per zone, so that copy grew
 * with every zone on the node; nothing run here needs the namespace's /sys.
 */
record Netns(String name) {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static final Netns HOST = new Netns(null);

    static boolean exists(String name) {
        return Files.exists(Path.of("/run/netns", name));
    }

    boolean exists() {
        return name == null || exists(name);
    }

    /** Makes the namespace with its loopback up; false if it was there already. */
    boolean create() {
        if (exists()) {
            return false;
        }
        add();
        ip("link", "set", "lo", "up");
        return true;
    }

    /** Makes the namespace, with nothing in it up yet (the caller brings up its loopback). */
    void add() {
        Cmd.check("ip", "netns", "add", name);
    }

    void delete() {
        if (name != null && exists()) {
            Cmd.check("ip", "netns", "del", name);
        }
    }

    /**
     * The namespace named {@code from} is named {@code to} (which must be free) from now on; what is in it and what
     * runs in it is untouched. A name is a bind mount of the namespace: it is bound again under the new name, then the
     * old one is unmounted ({@code mount --move} is refused, as {@code /run/netns} is a shared mount).
     */
    static void rename(String from, String to) {
        Path target = Path.of("/run/netns", to);
        try {
            Files.createFile(target);
        } catch (IOException e) {
            throw GantryException.internal("cannot make " + target + ": " + e.getMessage());
        }
        Cmd.check("mount", "--bind", "/run/netns/" + from, target.toString());
        Cmd.check("umount", "/run/netns/" + from);
        try {
            Files.deleteIfExists(Path.of("/run/netns", from));
        } catch (IOException e) {
            throw GantryException.internal("cannot remove /run/netns/" + from + ": " + e.getMessage());
        }
    }

    private List<String> prefix(String tool) {
        return new ArrayList<>(inside(tool));
    }

    Cmd.Result ip(String... args) {
        List<String> cmd = prefix("ip");
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, TIMEOUT).orThrow();
    }

    Cmd.Result tryIp(String... args) {
        List<String> cmd = prefix("ip");
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, TIMEOUT);
    }

    /** Runs {@code ip} commands, one a line; every line is tried, and the first failure is thrown unless {@code force}. */
    void ipBatch(List<String> lines, boolean force) {
        batch("ip", lines, force);
    }

    /** Runs every line as {@code ip -force -batch} does; false if any failed. */
    boolean tryIpBatch(List<String> lines) {
        List<String> cmd = prefix("ip");
        cmd.addAll(List.of("-force", "-batch", "-"));
        return Cmd.run(cmd, String.join("\n", lines) + "\n", TIMEOUT).ok();
    }

    void bridgeBatch(List<String> lines, boolean force) {
        batch("bridge", lines, force);
    }

    private void batch(String tool, List<String> lines, boolean force) {
        if (lines.isEmpty()) {
            return;
        }
        List<String> cmd = prefix(tool);
        if (force) {
            cmd.add("-force");
        }
        cmd.add("-batch");
        cmd.add("-");
        Cmd.Result r = Cmd.run(cmd, String.join("\n", lines) + "\n", TIMEOUT);
        if (!force) {
            r.orThrow();
        }
    }

    boolean linkExists(String link) {
        return tryIp("link", "show", "dev", link).ok();
    }

    /** The ports of a bridge, by name. */
    List<String> bridgePorts(String bridge) {
        Cmd.Result r = tryIp("-j", "link", "show", "master", bridge);
        List<String> ports = new ArrayList<>();
        if (r.ok() && !r.stdout().isBlank()) {
            for (JsonNode link : Json.read(r.stdout(), JsonNode.class)) {
                ports.add(link.path("ifname").asText());
            }
        }
        return ports;
    }

    /** Every IPv4 address of the namespace with its interface's name and MTU: {ifname, mtu, local, prefixlen}. */
    List<String[]> addresses() {
        Cmd.Result r = tryIp("-j", "-4", "addr", "show");
        List<String[]> out = new ArrayList<>();
        if (r.ok() && !r.stdout().isBlank()) {
            for (JsonNode link : Json.read(r.stdout(), JsonNode.class)) {
                for (JsonNode a : link.path("addr_info")) {
                    out.add(new String[] {link.path("ifname").asText(), link.path("mtu").asText(), a.path("local").asText(),
                            a.path("prefixlen").asText()});
                }
            }
        }
        return out;
    }

    Cmd.Result nft(String script) {
        return Cmd.run(inside("nft", "-f", "-"), script, TIMEOUT);
    }

    void nftOrThrow(String script) {
        nft(script).orThrow();
    }

    Cmd.Result nftList(String... what) {
        List<String> args = new ArrayList<>(List.of("nft", "list"));
        args.addAll(List.of(what));
        return Cmd.run(inside(args.toArray(String[]::new)), null, TIMEOUT);
    }

    /** Writes a /proc/sys value of this namespace, e.g. {@code net/ipv4/ip_forward}. */
    void sysctl(String key, String value) {
        if (name == null) {
            try {
                Files.writeString(Path.of("/proc/sys", key), value);
            } catch (IOException e) {
                throw GantryException.internal("cannot set " + key + ": " + e.getMessage());
            }
        } else {
            Cmd.run(inside("sh", "-c", "echo " + value + " > /proc/sys/" + key), null, TIMEOUT).orThrow();
        }
    }

    /** As {@link #sysctl} for each key this kernel has (e.g. br_netfilter's only when that module is loaded). */
    void sysctlsIfPresent(List<String> keys, String value) {
        StringBuilder script = new StringBuilder();
        for (String key : keys) {
            script.append("[ ! -e /proc/sys/").append(key).append(" ] || echo ").append(value).append(" > /proc/sys/").append(key).append("; ");
        }
        script.append("true");
        Cmd.run(inside("sh", "-c", script.toString()), null, TIMEOUT).orThrow();
    }

    /** The prefix that runs a command in network namespace {@code name} (its net namespace only). */
    static List<String> enter(String name) {
        return List.of("nsenter", "--net=/run/netns/" + name);
    }

    List<String> inside(String... command) {
        List<String> cmd = new ArrayList<>();
        if (name != null) {
            cmd.addAll(enter(name));
        }
        cmd.addAll(List.of(command));
        return cmd;
    }
}
