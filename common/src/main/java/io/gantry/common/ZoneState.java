package io.gantry.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A zone's state, with Triton's state names on the wire. The allowed transitions are listed here
 * and nowhere else; {@link #checkTransition} refuses any other.
 */
public enum ZoneState {
    PROVISIONING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED,
    /** The node cannot tell (it lost track of the zone, or the node itself is unreachable). */
    UNKNOWN,
    DELETED;

    static {
        PROVISIONING.next = EnumSet.of(RUNNING, STOPPED, FAILED, DELETED);
        RUNNING.next = EnumSet.of(STOPPING, STOPPED, FAILED, UNKNOWN, DELETED);
        STOPPING.next = EnumSet.of(STOPPED, RUNNING, FAILED, UNKNOWN, DELETED);
        STOPPED.next = EnumSet.of(RUNNING, FAILED, UNKNOWN, DELETED);
        FAILED.next = EnumSet.of(DELETED);
        UNKNOWN.next = EnumSet.of(RUNNING, STOPPED, FAILED, DELETED);
        DELETED.next = EnumSet.noneOf(ZoneState.class);
    }

    private Set<ZoneState> next;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ZoneState fromWire(String name) {
        return Arrays.stream(values())
                .filter(s -> s.wireName().equals(name))
                .findFirst()
                .orElseThrow(() -> GantryException.invalid("unknown zone state '" + name + "'"));
    }

    public boolean canBecome(ZoneState target) {
        return next.contains(target);
    }

    /** Returns {@code target} if this state may move to it; staying in the same state is always allowed. */
    public ZoneState checkTransition(ZoneState target) {
        if (target != this && !canBecome(target)) {
            throw GantryException.invalidState("a zone cannot go from " + wireName() + " to " + target.wireName());
        }
        return target;
    }

    public boolean isTerminal() {
        return next.isEmpty();
    }

    @Override
    public String toString() {
        return wireName();
    }
}
