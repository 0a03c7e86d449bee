package io.gantry.agent.net;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.agent.host.Cmd;
import io.gantry.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands in one network namespace: a name under /run/netns, or null for the agent's own (the host). Batches go
 * through one {@code ip -batch} or {@code nft -f} process, as each process costs milliseconds on a zone's create path.
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
        Cmd.check("ip", "netns", "add", name);
        ip("link", "set", "lo", "up");
        return true;
    }

    void delete() {
        if (name != null && exists()) {
            Cmd.check("ip", "netns", "del", name);
        }
    }

    private List<String> prefix(String tool) {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool);
        if (name != null) {
            cmd.add("-n");
            cmd.add(name);
        }
        return cmd;
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
            } catch (java.io.IOException e) {
                throw io.gantry.common.GantryException.internal("cannot set " + key + ": " + e.getMessage());
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

    List<String> inside(String... command) {
        List<String> cmd = new ArrayList<>();
        if (name != null) {
            cmd.addAll(List.of("ip", "netns", "exec", name));
        }
        cmd.addAll(List.of(command));
        return cmd;
    }
}
