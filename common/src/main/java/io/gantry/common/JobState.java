package io.gantry.common;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a job is: {@code queued} (recorded by whoever asked), {@code placed} (a node chosen),
 * {@code dispatched} (its task written to that node), then {@code succeeded} or {@code failed}.
 * Stored in {@code jobs.state} by its {@link #wireName()}.
 */
public enum JobState {
    QUEUED, PLACED, DISPATCHED, SUCCEEDED, FAILED;

    /** The states of a job not yet finished: a machine with one is busy. */
    public static final Set<JobState> OPEN = Set.copyOf(EnumSet.of(QUEUED, PLACED, DISPATCHED));

    /** The open states as an SQL list, {@code ('queued', 'placed', 'dispatched')}, for queries and the partial index. */
    public static final String OPEN_SQL = OPEN.stream().sorted().map(s -> "'" + s.wireName() + "'")
            .collect(Collectors.joining(", ", "(", ")"));

    public boolean isOpen() {
        return OPEN.contains(this);
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobState fromWire(String name) {
        for (JobState s : values()) {
            if (s.wireName().equals(name)) {
                return s;
            }
        }
        throw new IllegalStateException("unknown job state '" + name + "' in the record");
    }
}
