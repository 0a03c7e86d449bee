package io.gantry.provisioner.liveness;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each node last gave a sign of life, in {@link System#nanoTime()}: a beat, or a new advert in ZooKeeper. Only
 * nodes that have beaten at least once are judged by their silence (an agent that never beats, e.g. one older than
 * beats, is judged by its ZooKeeper session alone). Shared by every term of one provisioner, so a new leader starts
 * with what it heard while following.
 */
public final class NodeBeats {
    private final Map<String, Long> lastSign = new ConcurrentHashMap<>();
    private final Map<String, Boolean> beating = new ConcurrentHashMap<>();

    public void beat(String node, long nanos) {
        beating.put(node, true);
        sign(node, nanos);
    }

    /** A sign of life other than a beat (a new advert). */
    public void sign(String node, long nanos) {
        lastSign.merge(node, nanos, Math::max);
    }

    /** The last sign of every node that beats. */
    public Map<String, Long> lastSigns() {
        Map<String, Long> out = new HashMap<>();
        beating.keySet().forEach(node -> out.put(node, lastSign.get(node)));
        return out;
    }
}
