package io.gantry.agent.mdata;

import io.gantry.agent.mdata.MetadataProtocol.Answer;
import io.gantry.agent.mdata.MetadataProtocol.Request;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.runc.ZoneHooks;
import io.gantry.agent.runc.ZoneLayout;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.coord.MetadataPut;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMetadata;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's SmartOS metadata service: one socket per zone ({@link MetadataServer}), each zone's view watched in
 * ZooKeeper at {@link ZkPaths#metadata(UUID)}, the zone's {@code mdata-put}/{@code mdata-delete} written as
 * {@link MetadataPut} znodes before the zone is answered, and a rename (a new alias in the view) applied to the zone's
 * hostname and spec. Hooked into the {@link RuncZoneBackend}, so every zone started has its socket before its init
 * runs; after an agent restart, {@link #start} makes the socket of every zone again.
 */
public final class MetadataService implements ZoneHooks, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataService.class);
    /** How long a request waits for a new zone's first published view before it is answered without it. */
    public static final Duration FIRST_VIEW_WAIT = Duration.ofSeconds(10);
    /** The {@code sdc:} keys the node answers from the spec alone, without waiting for the control plane. */
    private static final Set<String> NODE_KEYS = Set.of("sdc:uuid", "sdc:server_uuid", "sdc:nics");

    private final CuratorFramework zk;
    private final String node;
    private final UUID serverUuid;
    private final RuncZoneBackend backend;
    private final MetadataServer server;
    private final Map<UUID, ZoneView> views = new ConcurrentHashMap<>();
    private final Map<UUID, CuratorCache> caches = new ConcurrentHashMap<>();
    private final ExecutorService writers;
    private final ExecutorService renames;

    private MetadataService(CuratorFramework zk, RuncZoneBackend backend) {
        this.zk = zk;
        this.node = backend.config().node();
        this.serverUuid = ZoneKeys.serverUuid(node);
        this.backend = backend;
        this.writers = Executors.newFixedThreadPool(4, daemon("gantry-mdata-put-" + node));
        this.renames = Executors.newSingleThreadExecutor(daemon("gantry-mdata-rename-" + node));
        this.server = new MetadataServer(this::handle);
    }

    /** Serves every zone of the backend, now and as they start; {@code zk} stays the caller's. */
    public static MetadataService start(CuratorFramework zk, RuncZoneBackend backend) {
        MetadataService service = new MetadataService(zk, backend);
        backend.hooks(service);
        for (Zone zone : backend.list()) {
            ZoneLayout layout = backend.layout(zone.uuid());
            if (Files.isDirectory(layout.dir())) {
                try {
                    service.starting(layout, zone.spec());
                } catch (RuntimeException e) {
                    LOG.error("zone {}: cannot serve its metadata: {}", zone.uuid(), e.getMessage());
                }
            }
        }
        return service;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public UUID serverUuid() {
        return serverUuid;
    }

    @Override
    public void starting(ZoneLayout layout, ZoneSpec spec) {
        views.compute(spec.uuid(), (uuid, known) -> {
            if (known != null) {
                known.spec(spec);
                return known;
            }
            ZoneView view = new ZoneView(spec);
            watch(view);
            return view;
        });
        server.listen(spec.uuid(), layout.metadataSocket());
    }

    @Override
    public void respecified(ZoneSpec spec) {
        ZoneView view = views.get(spec.uuid());
        if (view != null) {
            view.spec(spec);
        }
    }

    @Override
    public void removed(UUID uuid) {
        server.stopListening(uuid);
        views.remove(uuid);
        CuratorCache cache = caches.remove(uuid);
        if (cache != null) {
            cache.close();
        }
    }

    private void watch(ZoneView view) {
        CuratorCache cache = CuratorCache.build(zk, ZkPaths.metadata(view.uuid()), CuratorCache.Options.SINGLE_NODE_CACHE);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, after) -> published(view, after))
                .build());
        CuratorCache old = caches.put(view.uuid(), cache);
        if (old != null) {
            old.close();
        }
        cache.start();
    }

    private void published(ZoneView view, ChildData data) {
        if (data == null || data.getData() == null || data.getData().length == 0) {
            return;
        }
        ZoneMetadata metadata;
        try {
            metadata = Json.read(new String(data.getData(), StandardCharsets.UTF_8), ZoneMetadata.class);
        } catch (RuntimeException e) {
            LOG.warn("zone {}: its published metadata does not parse: {}", view.uuid(), e.getMessage());
            return;
        }
        if (view.accept(metadata)) {
            String alias = metadata.alias();
            if (alias != null && !alias.isBlank() && !alias.equals(view.spec().alias())) {
                renames.execute(() -> rename(view.uuid(), alias));
            }
        }
    }

    private void rename(UUID uuid, String alias) {
        try {
            backend.rename(uuid, alias);
            LOG.info("zone {}: renamed to {}", uuid, alias);
        } catch (GantryException e) {
            LOG.warn("zone {}: cannot take the alias {} as its hostname: {}", uuid, alias, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("zone {}: rename to {} failed: {}", uuid, alias, e.toString());
        }
    }

    /** Answers one request of a zone (on the server's thread: never blocks). */
    CompletableFuture<Answer> handle(UUID zone, Request request) {
        ZoneView view = views.get(zone);
        if (view == null) {
            return CompletableFuture.completedFuture(Answer.failure("this zone is not served here"));
        }
        return switch (request.op()) {
            case GET -> afterFirstView(view, request.key()).thenApply(v -> view.keys(serverUuid).get(request.key())
                    .map(Answer::success).orElseGet(Answer::notFound));
            case KEYS -> afterFirstView(view, null).thenApply(v -> Answer.success(String.join("\n", view.keys(serverUuid).keys())));
            case PUT, DELETE -> change(view, request.key(), request.op() == MetadataProtocol.Op.PUT ? request.value() : null);
        };
    }

    private CompletableFuture<Void> afterFirstView(ZoneView view, String key) {
        if (view.published().isDone() || key != null && NODE_KEYS.contains(key)) {
            return CompletableFuture.completedFuture(null);
        }
        return view.published().copy().completeOnTimeout(null, FIRST_VIEW_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<Answer> change(ZoneView view, String key, String value) {
        if (key.startsWith(ZoneKeys.SDC)) {
            return CompletableFuture.completedFuture(Answer.failure(key + " is read-only"));
        }
        return CompletableFuture.supplyAsync(() -> {
            MetadataPut put = new MetadataPut(view.uuid(), key, value, node, Instant.now());
            try {
                zk.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(ZkPaths.metadataPuts(view.uuid()) + "/put-", Json.write(put).getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                LOG.warn("zone {}: cannot record its {} of {}: {}", view.uuid(), value == null ? "delete" : "put", key, e.toString());
                return Answer.failure("the change could not be recorded; try again");
            }
            view.ownPut(key, value);
            return Answer.success("");
        }, writers);
    }

    @Override
    public void close() {
        backend.hooks(ZoneHooks.NONE);
        server.close();
        caches.values().forEach(CuratorCache::close);
        caches.clear();
        writers.shutdownNow();
        renames.shutdownNow();
    }
}
