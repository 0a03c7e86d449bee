package io.gantry.platform;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** Curator clients as every role uses them: short sessions, so a lost node shows within seconds. */
public final class Coordination {
    static final int SESSION_TIMEOUT_MS = 5000;

    private Coordination() {
    }

    public static CuratorFramework connect(String connectString) throws InterruptedException {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs(SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(3000)
                .retryPolicy(new ExponentialBackoffRetry(200, 10, 5000))
                .build();
        client.start();
        if (!client.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)) {
            client.close();
            throw new io.gantry.common.GantryException(io.gantry.common.ErrorCode.ServiceUnavailable,
                    "cannot reach ZooKeeper at " + connectString + " within 30 s");
        }
        return client;
    }
}
