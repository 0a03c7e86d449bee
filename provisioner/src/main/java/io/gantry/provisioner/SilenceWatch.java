package io.gantry.provisioner;

import io.gantry.provisioner.liveness.NodeBeats;
import io.gantry.provisioner.liveness.NodeLiveness;
import io.gantry.provisioner.liveness.SilenceJudge;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's judge of node beats, on its own thread for one term: every {@link NodeLiveness#LOOK_EVERY} it asks the
 * {@link SilenceJudge} which nodes are silent and tells the {@link NodeWatcher} of each change, which marks a silent
 * node lost (as if its advert had gone) and a node heard again alive. Its own thread, so a long pass of the leader
 * loop never delays a verdict.
 */
final class SilenceWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SilenceWatch.class);

    private final NodeBeats beats;
    private final NodeWatcher watcher;
    private final SilenceJudge judge;
    private final Duration window;
    private final Thread thread;
    private volatile boolean running = true;
    private Set<String> silent = Set.of();

    SilenceWatch(NodeBeats beats, NodeWatcher watcher, Duration window) {
        this.beats = beats;
        this.watcher = watcher;
        this.window = window;
        this.judge = new SilenceJudge(window);
        this.thread = new Thread(this::run, "gantry-provisioner-silence");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            look();
            try {
                Thread.sleep(NodeLiveness.LOOK_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void look() {
        Set<String> now = judge.silent(beats.lastSigns(), System.nanoTime());
        for (String node : now) {
            if (!silent.contains(node)) {
                LOG.warn("node {}: no beat for {} ms; lost", node, window.toMillis());
                watcher.silenced(node);
            }
        }
        for (String node : silent) {
            if (!now.contains(node)) {
                LOG.info("node {}: beats again", node);
                watcher.heard(node);
            }
        }
        silent = new HashSet<>(now);
    }

    @Override
    public void close() {
        running = false;
        Threads.interruptAndJoin(thread, Duration.ofSeconds(2));
    }
}
