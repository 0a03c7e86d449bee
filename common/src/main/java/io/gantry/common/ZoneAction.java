package io.gantry.common;

import java.util.EnumSet;
import java.util.Set;

/**
 * What an operator or tenant asks of a zone, and in which states the ask makes sense. Asking for
 * what already holds (start a running zone, stop a stopped one) is allowed and does nothing, so
 * retries are harmless.
 */
public enum ZoneAction {
    START(EnumSet.of(ZoneState.STOPPED, ZoneState.RUNNING)),
    STOP(EnumSet.of(ZoneState.RUNNING, ZoneState.STOPPING, ZoneState.STOPPED)),
    REBOOT(EnumSet.of(ZoneState.RUNNING)),
    UPDATE(EnumSet.of(ZoneState.RUNNING, ZoneState.STOPPED)),
    EXEC(EnumSet.of(ZoneState.RUNNING)),
    DELETE(EnumSet.of(ZoneState.PROVISIONING, ZoneState.RUNNING, ZoneState.STOPPING, ZoneState.STOPPED,
            ZoneState.FAILED, ZoneState.UNKNOWN));

    private final Set<ZoneState> allowedFrom;

    ZoneAction(Set<ZoneState> allowedFrom) {
        this.allowedFrom = allowedFrom;
    }

    public boolean allowedIn(ZoneState state) {
        return allowedFrom.contains(state);
    }

    /** Throws {@link ErrorCode#InvalidState} naming the zone and its state when the action does not apply. */
    public void check(Zone zone) {
        if (!allowedIn(zone.state())) {
            throw GantryException.invalidState("cannot " + name().toLowerCase() + " zone " + zone.uuid()
                    + ": it is " + zone.state().wireName());
        }
    }
}
