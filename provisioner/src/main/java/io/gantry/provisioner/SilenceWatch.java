package io.gantry.provisioner;

import io.gantry.provisioner.liveness.BeatListener;
import io.gantry.provisioner.liveness.NodeBeats;
import io.gantry.provisioner.liveness.SilenceJudge;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's judge of node beats for one term, run by the {@link BeatListener}'s thread after it has read every beat
 * waiting: it asks the {@link SilenceJudge} which advertised nodes are silent and tells the {@link NodeWatcher} of each
 * change, which marks a silent node lost (as if its advert had gone) and a node heard again alive. Not on the leader
 * loop's thread, so a long pass over many jobs never delays a verdict. Nodes are judged once the watcher knows every
 * advert, and only those with an advert (a node without one is lost already).
 */
final class SilenceWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SilenceWatch.class);

    private final BeatListener listener;
    private final NodeWatcher watcher;
    private final SilenceJudge judge;
    private final Duration window;
    private final CountDownLatch judged = new CountDownLatch(1);
    private Set<String> silent = Set.of();
    private boolean closed;

    SilenceWatch(BeatListener listener, NodeWatcher watcher, Duration window) {
        this.listener = listener;
        this.watcher = watcher;
        this.window = window;
        this.judge = new SilenceJudge(window);
    }

    void start() {
        listener.lookWith(this::look);
    }

    synchronized void look() {
        if (closed || !watcher.initialized()) {
            return;
        }
        NodeBeats beats = listener.beats();
        Map<String, Long> advertised = new HashMap<>();
        beats.lastSigns().forEach((node, sign) -> {
            if (watcher.isAdvertised(node)) {
                advertised.put(node, sign);
            }
        });
        Set<String> now = judge.silent(advertised, System.nanoTime());
        for (String node : now) {
            if (!silent.contains(node) && watcher.silenced(node)) {
                LOG.warn("node {}: no beat for {} ms; lost", node, window.toMillis());
            }
        }
        for (String node : silent) {
            if (!now.contains(node) && watcher.heard(node)) {
                LOG.info("node {}: beats again; alive", node);
            }
        }
        silent = new HashSet<>(now);
        judged.countDown();
    }

    /**
     * Waits (at most {@code limit}) until the judge has looked at every advertised node once. A new leader places
     * nothing before: a node the last leader had judged lost still has its advert for seconds, and until this term's
     * judge has looked, it would count as alive and could be given machines it will never make.
     */
    boolean awaitFirstVerdicts(Duration limit) throws InterruptedException {
        return judged.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        closed = true;
        listener.stopLooking();
    }
}
