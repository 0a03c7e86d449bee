package io.gantry.runbooks;

import io.gantry.testkit.docker.DebianMirror;
import io.gantry.testkit.docker.HostCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Rules in Docker's DOCKER-USER chain that let the stage's machine reach the Debian mirror (TCP) and nothing
 * else beyond the host; removed again by {@link #close()}.
 */
final class HostFirewall implements AutoCloseable {
    private final List<List<String>> rules = new ArrayList<>();

    static HostFirewall mirrorOnly(String machine) {
        HostFirewall f = new HostFirewall();
        // inserted at the top in reverse: the accepts end up before the drop
        f.insert(List.of("-s", machine + "/32", "-j", "DROP"));
        for (String host : DebianMirror.hosts()) {
            f.insert(List.of("-s", machine + "/32", "-d", DebianMirror.address(host) + "/32", "-p", "tcp", "-j", "ACCEPT"));
        }
        return f;
    }

    private void insert(List<String> rule) {
        List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-I", "DOCKER-USER", "1"));
        cmd.addAll(rule);
        HostCommand.run(java.time.Duration.ofSeconds(30), cmd).check("iptables " + String.join(" ", rule));
        rules.add(rule);
    }

    @Override
    public void close() {
        for (List<String> rule : rules) {
            List<String> cmd = new ArrayList<>(List.of("iptables", "-w", "-D", "DOCKER-USER"));
            cmd.addAll(rule);
            HostCommand.run(java.time.Duration.ofSeconds(30), cmd);
        }
        rules.clear();
    }
}
