package io.gantry.provisioner;

import io.gantry.common.coord.LivenessAddress;
import io.gantry.common.coord.ZkPaths;
import io.gantry.provisioner.liveness.LifeLine;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorWatcher;
import org.apache.curator.framework.recipes.locks.LockInternals;
import org.apache.curator.framework.recipes.locks.StandardLockInternalsDriver;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A follower's watch on the leading provisioner's process. It holds a connection to the leader's {@link LifeLine};
 * when the leader's kernel closes that connection (the process died: kill -9, a crash, its container killed), it
 * removes the dead leader's member of the election, so the lead passes on at once instead of when the dead
 * process's ZooKeeper session expires (1.5 s, plus a tick, plus the news reaching the follower).
 *
 * <p>Only an orderly end of the connection (end of stream, or a reset from the peer's kernel) after the leader's
 * greeting counts: a connection that cannot be made, or a silence (a paused process, a cut network), proves nothing
 * and leaves the session to decide. The member is removed only if it is still the one this watch connected for
 * (same node, same session). A leader whose member is removed while it lives steps down ({@link Provisioner}).
 */
final class DeadLeaderWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLeaderWatch.class);
    private static final String LATCH_LOCK_NAME = "latch-";
    private static final int CONNECT_TIMEOUT_MS = 1000;
    /** How often a held connection is checked against the election (a new leader means a new connection). */
    private static final int RECHECK_MS = 200;
    private static final long RETRY_MS = 250;
    private static final int MAX_INCARNATION = 64;

    /** The election's first member: its node, the id it holds and its session. */
    record Leader(String path, String id, long session) {
    }

    private final CuratorFramework zk;
    private final String latchPath;
    private final Consumer<String> onDeposed;
    private final Thread thread;
    private final Object changed = new Object();
    /** One watcher object: ZooKeeper keeps a path's watcher once however often it is set again. */
    private final CuratorWatcher onChange = event -> markChanged();
    private final AtomicReference<String> deposed = new AtomicReference<>();
    private volatile long generation;
    private volatile boolean closed;

    /** {@code onDeposed} is told the incarnation of each leader this watch removed, on the watch's thread, at once. */
    DeadLeaderWatch(CuratorFramework zk, String latchPath, Consumer<String> onDeposed) {
        this.zk = zk;
        this.latchPath = latchPath;
        this.onDeposed = onDeposed;
        this.thread = new Thread(this::run, "gantry-provisioner-leader-watch");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (!closed) {
            long seen = generation;
            try {
                Optional<Leader> leader = leader();
                if (leader.isEmpty() || leader.get().session() == ownSession()) {
                    awaitChange(seen, 5_000);
                    continue;
                }
                Optional<InetSocketAddress> address = lifeLineOf(leader.get().id());
                if (address.isEmpty()) {
                    awaitChange(seen, RETRY_MS);
                    continue;
                }
                watch(leader.get(), address.get(), seen);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!closed) {
                    LOG.debug("leader watch: {}", e.toString());
                    sleep(RETRY_MS);
                }
            }
        }
    }

    /** The election's first member, with a watch that marks any change of the members. */
    private Optional<Leader> leader() throws Exception {
        List<String> members = zk.getChildren().usingWatcher(onChange).forPath(latchPath);
        List<String> sorted = LockInternals.getSortedChildren(LATCH_LOCK_NAME, StandardLockInternalsDriver::standardFixForSorting, members);
        for (String member : sorted) {
            String path = ZKPaths.makePath(latchPath, member);
            Stat stat = new Stat();
            try {
                byte[] id = zk.getData().storingStatIn(stat).forPath(path);
                return Optional.of(new Leader(path, new String(id, StandardCharsets.UTF_8), stat.getEphemeralOwner()));
            } catch (KeeperException.NoNodeException gone) {
                // left meanwhile: the next member leads
            }
        }
        return Optional.empty();
    }

    private long ownSession() throws Exception {
        return zk.getZookeeperClient().getZooKeeper().getSessionId();
    }

    private Optional<InetSocketAddress> lifeLineOf(String id) throws Exception {
        try {
            return LivenessAddress.parse(new String(zk.getData().forPath(ZKPaths.makePath(ZkPaths.LIVENESS, id)), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        }
    }

    /** Holds a connection to {@code leader}'s life line until it ends (then judges) or the election changes. */
    private void watch(Leader leader, InetSocketAddress address, long seen) throws Exception {
        Optional<String> incarnation;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(address, CONNECT_TIMEOUT_MS);
                socket.setSoTimeout(CONNECT_TIMEOUT_MS);
                incarnation = greeting(socket.getInputStream(), leader.id());
                if (incarnation.isEmpty()) {
                    LOG.debug("leader watch: {} is not provisioner {}'s life line", address, leader.id());
                    awaitChange(seen, 5_000);
                    return;
                }
            } catch (IOException e) {
                // not reachable (yet): proves nothing
                awaitChange(seen, RETRY_MS);
                return;
            }
            LOG.debug("leader watch: connected to provisioner {}'s life line at {}", leader.id(), address);
            socket.setSoTimeout(RECHECK_MS);
            InputStream in = socket.getInputStream();
            while (!closed && generation == seen) {
                try {
                    if (in.read() < 0) {
                        deposeDead(leader, incarnation.get(), "its life line was closed");
                        return;
                    }
                } catch (SocketTimeoutException quiet) {
                    // alive, or silent: either way the session decides
                } catch (SocketException e) {
                    if ("Connection reset".equals(e.getMessage())) {
                        deposeDead(leader, incarnation.get(), "its life line was reset");
                    }
                    return;
                }
            }
        }
    }

    /** The incarnation {@code id}'s life line names after its greeting; empty if what answered is not that life line. */
    private static Optional<String> greeting(InputStream in, String id) throws IOException {
        byte[] expected = LifeLine.greeting(id).getBytes(StandardCharsets.UTF_8);
        for (byte b : expected) {
            if (in.read() != (b & 0xff)) {
                return Optional.empty();
            }
        }
        StringBuilder incarnation = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || incarnation.length() >= MAX_INCARNATION) {
                return Optional.empty();
            }
            incarnation.append((char) c);
        }
        return Optional.of(incarnation.toString());
    }

    /**
     * The incarnation of the last leader this watch removed, once: the next term waits for that process's database
     * sessions to end before it reads the bookings, so a commit the dead process sent just before it died is in them.
     */
    Optional<String> takeDeposed() {
        return Optional.ofNullable(deposed.getAndSet(null));
    }

    /** Removes {@code leader}'s election member if it is still the one that was watched. */
    private void deposeDead(Leader leader, String incarnation, String why) throws Exception {
        if (closed) {
            return;
        }
        Stat stat = zk.checkExists().forPath(leader.path());
        if (stat == null || stat.getEphemeralOwner() != leader.session()) {
            return;
        }
        deposed.set(incarnation);
        try {
            zk.delete().forPath(leader.path());
            LOG.warn("provisioner {}'s process is gone ({}): its election member removed without waiting for its session to end",
                    leader.id(), why);
        } catch (KeeperException.NoNodeException gone) {
            // its session ended meanwhile, or another follower removed it
        }
        try {
            onDeposed.accept(incarnation);
        } catch (RuntimeException e) {
            LOG.warn("leader watch: after removing provisioner {}: {}", leader.id(), e.toString());
        }
    }

    private void markChanged() {
        synchronized (changed) {
            generation++;
            changed.notifyAll();
        }
    }

    private void awaitChange(long seen, long maxMs) throws InterruptedException {
        synchronized (changed) {
            if (generation == seen && !closed) {
                changed.wait(maxMs);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        markChanged();
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
