package io.gantry.provisioner.liveness;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes have been silent for longer than the window, looked at again and again (pure: times are given). If the
 * judge itself was away between two looks for more than half the window (its own process paused or starved), the
 * silence it missed proves nothing about the nodes: every node gets a full window again from that moment.
 */
public final class SilenceJudge {
    private final long windowNanos;
    private long lastLook;
    private boolean looked;
    private long resumedAt = Long.MIN_VALUE;

    public SilenceJudge(Duration window) {
        this.windowNanos = window.toNanos();
    }

    /** The nodes silent at {@code now}, given each node's last sign of life. */
    public Set<String> silent(Map<String, Long> lastSigns, long now) {
        if (looked && now - lastLook > windowNanos / 2) {
            resumedAt = now;
        }
        looked = true;
        lastLook = now;
        Set<String> out = new TreeSet<>();
        lastSigns.forEach((node, sign) -> {
            long since = Math.max(sign, resumedAt);
            if (now - since > windowNanos) {
                out.add(node);
            }
        });
        return out;
    }
}
