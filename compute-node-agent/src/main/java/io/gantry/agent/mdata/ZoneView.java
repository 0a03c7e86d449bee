package io.gantry.agent.mdata;

import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.ZoneMetadata;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What the agent knows of one zone's metadata: its spec, the newest {@link ZoneMetadata} the control plane published
 * (a lower generation than the one held is ignored), and the zone's own puts the control plane has not published back
 * yet, so a zone reads what it wrote at once. A put stays on top until a published view agrees with it.
 */
final class ZoneView {
    private final UUID uuid;
    private ZoneSpec spec;
    private ZoneMetadata metadata;
    /** key → value put by the zone, or null for a key it deleted. */
    private final Map<String, String> ownPuts = new LinkedHashMap<>();
    private final CompletableFuture<Void> published = new CompletableFuture<>();

    ZoneView(ZoneSpec spec) {
        this.uuid = spec.uuid();
        this.spec = spec;
    }

    UUID uuid() {
        return uuid;
    }

    synchronized ZoneSpec spec() {
        return spec;
    }

    synchronized void spec(ZoneSpec newSpec) {
        this.spec = newSpec;
    }

    /** Completes when the control plane's first view of the zone arrives. */
    CompletableFuture<Void> published() {
        return published;
    }

    /** Takes a published view unless it is older than the one held; true when taken. */
    boolean accept(ZoneMetadata view) {
        synchronized (this) {
            if (!uuid.equals(view.machine()) || metadata != null && view.generation() < metadata.generation()) {
                return false;
            }
            metadata = view;
            ownPuts.entrySet().removeIf(put -> Objects.equals(view.customerMetadata().get(put.getKey()), put.getValue()));
        }
        published.complete(null);
        return true;
    }

    synchronized ZoneMetadata metadata() {
        return metadata;
    }

    /** A put ({@code value} set) or delete ({@code value} null) the zone made, written to ZooKeeper. */
    synchronized void ownPut(String key, String value) {
        ownPuts.put(key, value);
    }

    synchronized ZoneKeys keys(UUID serverUuid) {
        Map<String, String> customer = new HashMap<>(metadata == null ? Map.of() : metadata.customerMetadata());
        ownPuts.forEach((k, v) -> {
            if (v == null) {
                customer.remove(k);
            } else {
                customer.put(k, v);
            }
        });
        return new ZoneKeys(spec, metadata, customer, serverUuid);
    }
}
