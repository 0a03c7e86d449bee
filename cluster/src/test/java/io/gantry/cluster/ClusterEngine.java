package io.gantry.cluster;

import io.gantry.testkit.docker.DebianMirror;
import io.gantry.testkit.docker.LocalDocker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The suite's own dockerd (testkit's {@link LocalDocker} named {@code cluster}: socket
 * /run/gantry-cluster-docker.sock, data under /var/lib/gantry-cluster/docker, kept so images stay cached), and
 * why it cannot run here. Its default bridge is one of its own (testkit's {@link io.gantry.testkit.docker.PrivateBridge},
 * unused: with none, dockerd would delete the host's docker0) and it leaves the host's iptables alone: the cluster lives on a
 * network the test creates, image builds use the host's network (to reach the Debian mirror), and published
 * ports are bound to 127.0.0.1 only, through Docker's userland proxy.
 */
final class ClusterEngine {
    static final String NAME = "cluster";
    static final String BRIDGE = "gantry-cl0";
    private static final List<String> OPTIONS = List.of("--iptables=false", "--ip-masq=false", "--ip-forward=false", "--ip", "127.0.0.1");

    private ClusterEngine() {
    }

    /** Why the cluster cannot run on this machine, in one line; empty when it can. */
    static Optional<String> unavailable() {
        if (Boolean.getBoolean("gantry.zones.skip")) {
            return Optional.of("cluster suite skipped: it runs real zones in privileged containers (-Dgantry.zones.skip=true)");
        }
        if (!io.gantry.agent.host.HostProbe.isRoot()) {
            return Optional.of("cluster suite skipped: it needs root (its own dockerd, privileged compute nodes)");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/debootstrap"))) {
            return Optional.of("cluster suite skipped: no debootstrap to build the Debian base image (apt-get install debootstrap)");
        }
        if (!Files.isRegularFile(Release.dir().resolve("gantry.jar"))) {
            return Optional.of("cluster suite skipped: no release at " + Release.dir() + " (build with -am)");
        }
        return LocalDocker.unavailable().map(why -> "cluster suite skipped: " + why)
                .or(() -> DebianMirror.unreachable().map(why -> "cluster suite skipped: " + why));
    }

    static LocalDocker start() {
        List<String> options = new java.util.ArrayList<>(OPTIONS);
        options.add(io.gantry.testkit.docker.PrivateBridge.option(BRIDGE, "10.213.250.1/24"));
        return LocalDocker.own(NAME, options);
    }

    /** After the engine stopped: its bridge goes too. */
    static void stopped() {
        io.gantry.testkit.docker.PrivateBridge.remove(BRIDGE);
    }
}
