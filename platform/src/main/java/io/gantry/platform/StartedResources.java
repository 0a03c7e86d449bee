package io.gantry.platform;

import java.util.ArrayDeque;
import java.util.Deque;

/** What a launcher started, closed newest first; a failure to close one is reported and the rest still close. */
final class StartedResources implements AutoCloseable {
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final String who;

    /** {@code who} prefixes the report of a failed close, e.g. "gantry". */
    StartedResources(String who) {
        this.who = who;
    }

    <T extends AutoCloseable> T add(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                System.err.println(who + ": while stopping: " + e);
            }
        }
    }
}
