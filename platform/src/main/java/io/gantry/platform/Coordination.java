package io.gantry.platform;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Curator clients as every role uses them. A session's length is a trade: ZooKeeper ends it (and the role's
 * ephemeral znodes: adverts, leader latches) that long after it last heard from the client, so a shorter one shows a
 * dead role sooner, but a client that stops for a while also loses it: the client drops its connection after 2/3 of
 * the session without an answer and waits up to 1 s at random before it reconnects. Most roles keep 5 s sessions;
 * the provisioners' is shorter ({@link #PROVISIONER_SESSION}) so that a new leader follows a dead one quickly
 * (docs/architecture.md, node liveness, has the budget).
 */
public final class Coordination {
    static final Duration DEFAULT_SESSION = Duration.ofSeconds(5);
    /** Expiry 1.0–1.6 s after a leader dies (its last ping 0–0.5 s before, a 100 ms server tick after). */
    static final Duration PROVISIONER_SESSION = Duration.ofMillis(1500);

    private Coordination() {
    }

    public static CuratorFramework connect(String connectString) throws InterruptedException {
        return connect(connectString, DEFAULT_SESSION);
    }

    /** A started client with sessions of {@code session} (the server may clamp it to its own minimum and maximum). */
    public static CuratorFramework connect(String connectString, Duration session) throws InterruptedException {
        if (session.compareTo(Duration.ofMillis(200)) < 0) {
            throw io.gantry.common.GantryException.invalid("a ZooKeeper session must be at least 200 ms, not " + session.toMillis() + " ms");
        }
        int sessionMs = (int) session.toMillis();
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(sessionMs)
                .connectionTimeoutMs(Math.min(3000, sessionMs))
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
                .build();
        client.start();
        if (!client.blockUntilConnected(30, TimeUnit.SECONDS)) {
            client.close();
            throw new io.gantry.common.GantryException(io.gantry.common.ErrorCode.ServiceUnavailable,
                    "cannot reach ZooKeeper at " + connectString + " within 30 s");
        }
        return client;
    }
}
