package io.gantry.agent.usage;

import io.gantry.common.Zone;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The zones the sampler meters and what their records name (tenant, package), kept from what the
 * metered backend does (create, update, delete) instead of listing the backend every tick: a runc
 * node's list reads and parses every zone's record. A full list still replaces it at the first tick
 * and then every so often, for zones made or changed on the node by other means (a zone moved in,
 * {@code gantry zone} by hand): see {@link UsageSampler}.
 */
final class ZoneRoster {
    private final ConcurrentHashMap<UUID, Zone> zones = new ConcurrentHashMap<>();
    /** Zones being deleted through the metered backend: a full list taken meanwhile must not bring them back. */
    private final Set<UUID> leaving = ConcurrentHashMap.newKeySet();

    /** The zones as listed now by the backend. */
    void replace(Collection<Zone> listed) {
        List<UUID> seen = new ArrayList<>(listed.size());
        for (Zone z : listed) {
            if (!leaving.contains(z.uuid())) {
                zones.put(z.uuid(), z);
                seen.add(z.uuid());
            }
        }
        zones.keySet().retainAll(new java.util.HashSet<>(seen));
    }

    /** A zone made or changed (its record as the backend returned it). */
    void put(Zone zone) {
        if (!leaving.contains(zone.uuid())) {
            zones.put(zone.uuid(), zone);
        }
    }

    /** The zone is about to be deleted: it is metered no more (its final record is the sampler's to make). */
    void leave(UUID uuid) {
        leaving.add(uuid);
        zones.remove(uuid);
    }

    /** The delete is over (done, or failed: then {@code stillThere} is the zone as it is now). */
    void left(UUID uuid, Zone stillThere) {
        leaving.remove(uuid);
        if (stillThere != null) {
            zones.put(uuid, stillThere);
        }
    }

    void remove(UUID uuid) {
        zones.remove(uuid);
    }

    boolean contains(UUID uuid) {
        return zones.containsKey(uuid);
    }

    Collection<Zone> zones() {
        return zones.values();
    }

    int size() {
        return zones.size();
    }
}
