package io.gantry.platform;

import io.gantry.agent.ZoneAgent;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "agent", description = "Run the compute-node agent: adopt this node's zones and keep their records true.")
final class AgentCommand implements Callable<Integer> {
    @ParentCommand
    GantryCommand root;

    @Option(names = "--interval", defaultValue = "5", description = "Seconds between reconciles (default ${DEFAULT-VALUE}).")
    int interval;

    @Option(names = "--once", description = "Reconcile once and exit.")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
        try (RuncZoneBackend backend = Node.open(root)) {
            printSummary(backend);
            return runUntilStopped(backend, Duration.ofSeconds(interval), once);
        }
    }

    static void printSummary(RuncZoneBackend backend) {
        List<Zone> zones = backend.list();
        long running = zones.stream().filter(z -> z.state() == ZoneState.RUNNING).count();
        System.out.printf("node %s: %d zones (%d running), state in %s%n",
                backend.config().node(), zones.size(), running, backend.config().stateDir());
    }

    static int runUntilStopped(RuncZoneBackend backend, Duration interval, boolean once) throws InterruptedException {
        if (once) {
            return ExitCodes.OK;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (ZoneAgent agent = new ZoneAgent(backend)) {
            agent.start(interval);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.out.println("gantry: agent stopping; zones keep running and are adopted at the next start");
                stopped.countDown();
            }));
            System.out.println("agent running (reconcile every " + interval.toSeconds() + " s); Ctrl-C stops it");
            stopped.await();
        }
        return ExitCodes.OK;
    }
}
