package io.gantry.agent.runc;

import io.gantry.common.ZoneSpec;
import java.util.UUID;

/**
 * Told by {@link RuncZoneBackend} where a zone's life touches what another part of the agent serves it (its metadata
 * socket): before each start of its container, after its spec changed, and once it is gone.
 */
public interface ZoneHooks {
    ZoneHooks NONE = new ZoneHooks() { };

    /** Before runc starts the zone: what the zone mounts from the agent must exist now. */
    default void starting(ZoneLayout layout, ZoneSpec spec) {
    }

    /** The zone's recorded spec changed (NICs, firewall, alias, package). */
    default void respecified(ZoneSpec spec) {
    }

    /** The zone and everything of it are gone from the node. */
    default void removed(UUID uuid) {
    }
}
