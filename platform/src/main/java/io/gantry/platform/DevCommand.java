package io.gantry.platform;

import io.gantry.agent.host.HostProbe;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.Image;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Everything on one machine with embedded defaults. Today that is one compute node with the runc
 * backend and the busybox image; the cloud API, provisioner and metering join it in later issues.
 */
@Command(name = "dev", description = "Run Gantry on this machine with embedded defaults (one node, busybox image).")
final class DevCommand implements Callable<Integer> {
    @ParentCommand
    GantryCommand root;

    @Option(names = "--once", description = "Set up (probe, image, adopt zones), print how to use it, and exit.")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
        HostProbe.Report probe = HostProbe.run();
        System.out.println("gantry dev: checking the host");
        for (HostProbe.Check c : probe.checks()) {
            System.out.printf("  %-8s %-4s %s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail());
        }
        try (RuncZoneBackend backend = Node.open(root, probe)) {
            System.out.println("gantry dev: preparing the busybox image");
            Image image = Node.ensureBusyboxImage(backend.config(), backend.images());
            System.out.printf("  image %s (%s)%n", image.name(), image.shortId());
            AgentCommand.printSummary(backend);
            String g = "./gantry" + (root.node.equals("local") ? "" : " --node " + root.node)
                    + (root.stateDir == null ? "" : " --state-dir " + root.stateDir);
            System.out.println();
            System.out.println("Try it:");
            System.out.println("  " + g + " zone create --image busybox --tenant demo --alias web1 --memory 128 --disk 1");
            System.out.println("  " + g + " zone list");
            System.out.println("  " + g + " zone exec <uuid> -- ps");
            System.out.println("  " + g + " zone delete <uuid>");
            System.out.println();
            return AgentCommand.runUntilStopped(backend, Duration.ofSeconds(5), once);
        }
    }
}
