package io.gantry.bench.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gantry.testkit.NetnsServer;
import io.gantry.testkit.NetnsShell;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * One TCP throughput measurement with Debian's iperf3: a one-shot server in one network namespace, the client
 * in another ({@code ip netns exec}: exactly the zones' network path), one stream, the receiver's figure.
 */
public final class Iperf3 {
    public static final int PORT = 5201;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Iperf3() {
    }

    /** Whether iperf3 is installed (bench/run.sh installs it). */
    public static boolean installed() {
        return new File("/usr/bin/iperf3").canExecute();
    }

    /** Bits per second received by {@code serverIp} in {@code serverNetns} from {@code clientNetns}. */
    public static double bitsPerSecond(String clientNetns, String serverNetns, String serverIp, int seconds) {
        try (NetnsServer server = NetnsServer.start(serverNetns, "iperf3", "iperf3", "-s", "-1", "-p", Integer.toString(PORT))) {
            awaitListening(serverNetns, server);
            NetnsShell.Result r = NetnsShell.in(clientNetns, Duration.ofSeconds(seconds + 20), "iperf3", "-c", serverIp,
                    "-p", Integer.toString(PORT), "-t", Integer.toString(seconds), "-J").orThrow();
            JsonNode received = JSON.readTree(r.stdout()).path("end").path("sum_received").path("bits_per_second");
            if (!received.isNumber()) {
                throw new IllegalStateException("iperf3 gave no received rate: " + r.stdout().lines().limit(5).toList());
            }
            return received.asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException("iperf3's JSON could not be read", e);
        }
    }

    private static void awaitListening(String netns, NetnsServer server) {
        if (server.awaitListening(PORT, Duration.ofSeconds(5))) {
            return;
        }
        if (!server.isAlive()) {
            throw new IllegalStateException("iperf3 -s in " + netns + " exited " + server.exitValue());
        }
        throw new IllegalStateException("iperf3 -s in " + netns + " did not listen within 5 s");
    }
}
