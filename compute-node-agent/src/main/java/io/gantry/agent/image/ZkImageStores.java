package io.gantry.agent.image;

import io.gantry.common.coord.ZkPaths;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image stores as they register themselves: each an ephemeral child of {@link ZkPaths#IMAGE_STORES} whose data is
 * its base URL in UTF-8, watched through a {@link CuratorCache} (a read costs nothing; the last known list stays usable
 * while ZooKeeper is unreachable). Closing stops the watch; the client stays open.
 */
public final class ZkImageStores implements ImageStoreEndpoints, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZkImageStores.class);
    private final CuratorCache cache;

    private ZkImageStores(CuratorCache cache) {
        this.cache = cache;
    }

    /** Starts watching with an already started client. */
    public static ZkImageStores start(CuratorFramework client) {
        CuratorCache cache = CuratorCache.build(client, ZkPaths.IMAGE_STORES);
        cache.start();
        return new ZkImageStores(cache);
    }

    @Override
    public List<URI> current() {
        Map<String, URI> byName = new TreeMap<>();
        cache.stream().forEach(child -> parse(child).ifPresent(uri -> byName.put(ZKPaths.getNodeFromPath(child.getPath()), uri)));
        return new ArrayList<>(byName.values());
    }

    private static Optional<URI> parse(ChildData child) {
        if (!ZkPaths.IMAGE_STORES.equals(ZKPaths.getPathAndNode(child.getPath()).getPath()) || child.getData() == null) {
            return Optional.empty(); // the parent itself, or a deeper node
        }
        String text = new String(child.getData(), StandardCharsets.UTF_8);
        Optional<URI> uri = parseUrl(text);
        if (uri.isEmpty()) {
            LOG.debug("image store advert {} holds '{}', which is not an http(s) base URL: ignored", child.getPath(), text.strip());
        }
        return uri;
    }

    /** An advert's text as a base URL: an absolute http or https URL with a host, or empty. */
    static Optional<URI> parseUrl(String text) {
        try {
            URI uri = URI.create(text.strip());
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
