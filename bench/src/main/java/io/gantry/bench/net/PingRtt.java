package io.gantry.bench.net;

import io.gantry.bench.Samples;
import io.gantry.testkit.NetnsShell;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Round-trip times of {@code count} echo requests, 10 ms apart, from one namespace to an address (busybox ping). */
public final class PingRtt {
    private static final Pattern TIME = Pattern.compile("time=([0-9.]+) ms");

    private PingRtt() {
    }

    public static Samples measure(String fromNetns, String ip, int count) {
        NetnsShell.Result r = NetnsShell.in(fromNetns, Duration.ofSeconds(count / 50 + 30), "/bin/busybox", "ping",
                "-c", Integer.toString(count), "-i", "0.01", "-W", "2", ip);
        Samples s = parse(r.stdout());
        if (s.count() < count * 0.99) {
            throw new IllegalStateException("only " + s.count() + " of " + count + " pings from " + fromNetns + " to " + ip
                    + " were answered: " + r.stdout().lines().reduce((a, b) -> b).orElse(r.stderr()));
        }
        return s;
    }

    /** The round-trip times in busybox ping's output, one per reply line. */
    static Samples parse(String pingOutput) {
        Samples s = new Samples();
        Matcher m = TIME.matcher(pingOutput);
        while (m.find()) {
            s.add(Math.round(Double.parseDouble(m.group(1)) * 1e6));
        }
        return s;
    }
}
