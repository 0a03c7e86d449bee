package io.gantry.agent.usage;

import java.net.URI;
import java.util.List;

/** Where metering instances listen (base URLs such as {@code http://127.0.0.1:7090}). */
public interface MeteringEndpoints extends AutoCloseable {

    /** No metering: usage is journaled but not shipped (no shipper runs). */
    MeteringEndpoints NONE = List::of;

    /** The endpoints known now, in a stable order; empty when none is known. */
    List<URI> current();

    /**
     * Calls {@code listener} whenever an endpoint appears or changes its address (a metering instance
     * starts or comes back), so a sender that waits can try at once. A fixed list never changes.
     */
    default void onChange(Runnable listener) {
    }

    @Override
    default void close() {
    }

    /** A configured list. */
    static MeteringEndpoints fixed(List<URI> endpoints) {
        List<URI> copy = List.copyOf(endpoints);
        return () -> copy;
    }

    /** {@link #NONE}: usage is journaled but not shipped (for a node cut off on purpose, and tests). */
    static MeteringEndpoints none() {
        return NONE;
    }
}
