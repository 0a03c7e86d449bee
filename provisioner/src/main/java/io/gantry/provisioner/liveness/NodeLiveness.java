package io.gantry.provisioner.liveness;

import java.time.Duration;

/**
 * How a provisioner judges nodes by their beats: it listens for them on {@code host:port} (0: any free port) and
 * registers {@code advertisedHost} and the bound port in ZooKeeper for the agents; a node silent for longer than
 * {@code silence} is lost. The budget behind the default is in docs/architecture.md (node liveness).
 */
public record NodeLiveness(Duration silence, String host, int port, String advertisedHost) {
    /** A 1 s stop-the-world pause plus 0.1 s between beats plus 0.3 s of scheduling delay under full CPU load. */
    public static final Duration DEFAULT_SILENCE = Duration.ofMillis(1400);
    /** How often the leader looks at the beats: detection is at most this much later than the silence window. */
    public static final Duration LOOK_EVERY = Duration.ofMillis(50);

    public NodeLiveness {
        if (silence == null) {
            silence = DEFAULT_SILENCE;
        }
        if (silence.compareTo(Duration.ofMillis(300)) < 0) {
            throw new IllegalArgumentException("the node silence window must be at least 300 ms (three beats), not " + silence.toMillis() + " ms");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("the beat port must be 0-65535, not " + port);
        }
        host = host == null || host.isBlank() ? "127.0.0.1" : host;
        advertisedHost = advertisedHost == null || advertisedHost.isBlank() ? host : advertisedHost;
    }

    /** These settings on {@code newPort}. */
    public NodeLiveness withPort(int newPort) {
        return new NodeLiveness(silence, host, newPort, advertisedHost);
    }

    /** The default window, listening on loopback on any free port (one host: tests, `gantry dev`). */
    public static NodeLiveness loopback() {
        return new NodeLiveness(DEFAULT_SILENCE, "127.0.0.1", 0, null);
    }
}
