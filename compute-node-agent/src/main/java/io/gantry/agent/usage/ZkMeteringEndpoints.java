package io.gantry.agent.usage;

import io.gantry.common.coord.ZkPaths;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metering endpoints as the metering instances register them: each one an ephemeral child of
 * {@link ZkPaths#METERING_ENDPOINTS} whose data is its base URL in UTF-8. Watched through a
 * {@link CuratorCache}, so a read costs nothing and the last known list stays usable while
 * ZooKeeper is unreachable. Closing stops the watch; the client stays open.
 */
public final class ZkMeteringEndpoints implements MeteringEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(ZkMeteringEndpoints.class);
    private final CuratorCache cache;
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    private ZkMeteringEndpoints(CuratorCache cache) {
        this.cache = cache;
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, now) -> listeners.forEach(Runnable::run))
                .build());
    }

    /** Starts watching with an already started client. */
    public static ZkMeteringEndpoints start(CuratorFramework client) {
        CuratorCache cache = CuratorCache.build(client, ZkPaths.METERING_ENDPOINTS);
        cache.start();
        return new ZkMeteringEndpoints(cache);
    }

    @Override
    public List<URI> current() {
        Map<String, URI> byName = new TreeMap<>();
        cache.stream().forEach(child -> parse(child, warned).ifPresent(uri ->
                byName.put(ZKPaths.getNodeFromPath(child.getPath()), uri)));
        return new ArrayList<>(byName.values());
    }

    private static java.util.Optional<URI> parse(ChildData child, java.util.Set<String> warned) {
        if (!ZkPaths.METERING_ENDPOINTS.equals(ZKPaths.getPathAndNode(child.getPath()).getPath()) || child.getData() == null) {
            return java.util.Optional.empty(); // the parent itself, or a deeper node
        }
        String text = new String(child.getData(), StandardCharsets.UTF_8).strip();
        try {
            URI uri = URI.create(text);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("not an absolute URL");
            }
            return java.util.Optional.of(uri);
        } catch (IllegalArgumentException e) {
            if (warned.add(child.getPath() + "=" + text)) {
                LOG.warn("metering endpoint {} holds '{}', which is not a base URL: ignored", child.getPath(), text);
            }
            return java.util.Optional.empty();
        }
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        cache.close();
    }
}
