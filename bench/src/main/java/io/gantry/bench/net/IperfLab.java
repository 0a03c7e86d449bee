package io.gantry.bench.net;

import io.gantry.testkit.OverlayLab;

/** What a network bench that measures with iperf3 needs before it starts: an {@link OverlayLab} can run here, and iperf3. */
final class IperfLab {
    private IperfLab() {
    }

    /**
     * Throws, saying why, when no overlay lab can run here; false, having told stderr how to install it, when iperf3 is
     * missing (the bench then exits 1); true when both are there.
     */
    static boolean ready(String bench) {
        OverlayLab.whyUnavailable().ifPresent(why -> {
            throw new IllegalStateException(why);
        });
        if (!Iperf3.installed()) {
            System.err.println(bench + ": needs iperf3 (apt-get install iperf3; bench/run.sh overlay|firewall installs it)");
            return false;
        }
        return true;
    }
}
