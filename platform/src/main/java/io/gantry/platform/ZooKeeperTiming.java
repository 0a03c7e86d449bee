package io.gantry.platform;

import io.gantry.common.GantryException;

/**
 * A ZooKeeper server's clock settings from its tick. The tick is the granularity of session expiry (a session ends
 * at the first tick after its timeout) and the shortest session is two ticks, so Gantry's 1.5 s provisioner sessions
 * want a short tick; ZooKeeper also counts its ensemble limits in ticks, which are scaled here so that a member still
 * has 20 s to join and 10 s to keep up whatever the tick. The longest session is a minute, whatever the tick
 * (ZooKeeper's own default, 20 ticks, would cut the roles' 5 s sessions to 2 s at a 100 ms tick).
 */
record ZooKeeperTiming(int tickMs, int initLimitTicks, int syncLimitTicks, int minSessionMs, int maxSessionMs) {
    static final int DEFAULT_TICK_MS = 100;
    private static final int INIT_LIMIT_MS = 20_000;
    private static final int SYNC_LIMIT_MS = 10_000;
    private static final int MAX_SESSION_MS = 60_000;

    static ZooKeeperTiming of(int tickMs) {
        if (tickMs < 20 || tickMs > 2500) {
            throw GantryException.invalid("the ZooKeeper tick must be 20 to 2500 ms (sessions end within a tick of their timeout, "
                    + "and the provisioners' 1.5 s sessions need at most 750); got " + tickMs);
        }
        return new ZooKeeperTiming(tickMs, ceilDiv(INIT_LIMIT_MS, tickMs), ceilDiv(SYNC_LIMIT_MS, tickMs), 2 * tickMs, MAX_SESSION_MS);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
