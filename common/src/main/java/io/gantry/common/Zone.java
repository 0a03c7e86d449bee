package io.gantry.common;

import java.time.Instant;
import java.util.UUID;

/**
 * A zone as its node sees it: the spec, its state, its address on the tenant network, and when it
 * last changed. {@code reason} says why a zone failed; it is null otherwise.
 */
public record Zone(ZoneSpec spec, ZoneState state, String ip, Instant createdAt, Instant updatedAt, String reason) {

    public static Zone provisioning(ZoneSpec spec, String ip, Instant now) {
        return new Zone(spec, ZoneState.PROVISIONING, ip, now, now, null);
    }

    public UUID uuid() {
        return spec.uuid();
    }

    public String alias() {
        return spec.alias();
    }

    public String tenant() {
        return spec.tenant();
    }

    public Package pkg() {
        return spec.pkg();
    }

    /** This zone in {@code target} state, refused with {@link ErrorCode#InvalidState} if the state machine forbids it. */
    public Zone moveTo(ZoneState target, Instant now) {
        return new Zone(spec, state.checkTransition(target), ip, createdAt, now, null);
    }

    public Zone failed(String why, Instant now) {
        return new Zone(spec, state.checkTransition(ZoneState.FAILED), ip, createdAt, now, why);
    }

    public Zone withSpec(ZoneSpec newSpec, Instant now) {
        return new Zone(newSpec, state, ip, createdAt, now, reason);
    }
}
