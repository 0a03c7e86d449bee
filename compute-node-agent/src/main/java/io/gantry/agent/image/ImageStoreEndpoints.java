package io.gantry.agent.image;

import java.net.URI;
import java.util.List;

/** Where the control plane's image stores are: base URLs, blobs under {@code /blobs/sha256/<hex>}. */
@FunctionalInterface
public interface ImageStoreEndpoints {
    /** The stores known now, in the order to try them (empty: none). */
    List<URI> current();

    static ImageStoreEndpoints fixed(List<URI> urls) {
        List<URI> copy = List.copyOf(urls);
        return () -> copy;
    }
}
