package io.gantry.platform;

import io.gantry.agent.host.HostProbe;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "probe", description = "Report which mechanisms real zones need work on this host.")
final class ProbeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        HostProbe.Report report = HostProbe.run();
        for (HostProbe.Check c : report.checks()) {
            System.out.printf("%-8s %-4s %s%s%n", c.name(), c.ok() ? "ok" : "FAIL", c.detail(),
                    c.ok() ? "" : "  -> " + c.fix());
        }
        if (report.readyForRunc()) {
            System.out.println("ready: this host can run real zones with runc");
            return ExitCodes.OK;
        }
        System.out.println("not ready: " + report.advice());
        return ExitCodes.HOST_NOT_READY;
    }
}
