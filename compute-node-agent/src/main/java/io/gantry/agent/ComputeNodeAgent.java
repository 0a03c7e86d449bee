package io.gantry.agent;

import io.gantry.agent.ZoneBackend;
import io.gantry.agent.coord.NodeCoordinator;
import io.gantry.agent.image.ImageMaker;
import io.gantry.agent.image.ImageUpload;
import io.gantry.agent.image.ZoneImageMaker;
import io.gantry.agent.mdata.MetadataService;
import io.gantry.agent.image.ImageFetcher;
import io.gantry.agent.image.ZkImageStores;
import io.gantry.agent.move.DiskServer;
import io.gantry.agent.move.RuncZoneMover;
import io.gantry.agent.net.NetViewWatcher;
import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.agent.usage.MeteringEndpoints;
import io.gantry.agent.usage.UsageConfig;
import io.gantry.agent.usage.UsageMetering;
import io.gantry.agent.usage.ZkMeteringEndpoints;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compute-node agent of a cluster, started as one piece: usage metering of every zone, this
 * node's advert and task intake in ZooKeeper, the tenants' network views (overlay and firewalls), each zone's SmartOS
 * metadata socket, the server of disks leaving the node (evacuations), the fetching of images the node lacks from the
 * control plane's image stores, and the reconcile loop. Closing stops them in reverse
 * order (the reconcile loop first, metering last); zones keep running and are adopted at the next start.
 */
public final class ComputeNodeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ComputeNodeAgent.class);

    /**
     * How the agent runs. {@code meteringUrls} empty: usage goes to the metering instances registered
     * in ZooKeeper; otherwise to these, the next tried when one fails. {@code interval} is both the
     * reconcile interval and how often the node reports its zones. {@code beatInterval}: how often the node beats to the
     * provisioners ({@link io.gantry.agent.coord.BeatSender}).
     */
    public record Config(String node, String address, Map<String, String> traits, UsageConfig usage, List<URI> meteringUrls,
                         Duration interval, int transferPort, Duration beatInterval) {
        public Config {
            beatInterval = beatInterval == null ? io.gantry.agent.coord.BeatSender.DEFAULT_INTERVAL : beatInterval;
            traits = Map.copyOf(traits);
            meteringUrls = List.copyOf(meteringUrls);
            if (transferPort < 0 || transferPort > 65535) {
                throw io.gantry.common.GantryException.invalid("the transfer port must be 0-65535, got " + transferPort);
            }
        }

        /** Disks of evacuated zones are served on any free port of {@code address}. */
        public Config(String node, String address, Map<String, String> traits, UsageConfig usage, List<URI> meteringUrls,
                      Duration interval) {
            this(node, address, traits, usage, meteringUrls, interval, 0);
        }

        /** Beating every {@link io.gantry.agent.coord.BeatSender#DEFAULT_INTERVAL}. */
        public Config(String node, String address, Map<String, String> traits, UsageConfig usage, List<URI> meteringUrls,
                      Duration interval, int transferPort) {
            this(node, address, traits, usage, meteringUrls, interval, transferPort, null);
        }
    }

    /** Newest first. */
    private final Deque<AutoCloseable> started;
    private final NodeCoordinator coordinator;

    private ComputeNodeAgent(Deque<AutoCloseable> started, NodeCoordinator coordinator) {
        this.started = started;
        this.coordinator = coordinator;
    }

    /** Starts the agent on an already started {@code zk} client, which stays the caller's to close. */
    public static ComputeNodeAgent start(CuratorFramework zk, RuncZoneBackend backend, Config config, MeterRegistry registry) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            UsageMetering usage = push(started, UsageMetering.start(backend, config.node(), config.usage(),
                    endpoints(zk, config.meteringUrls()), registry));
            var advert = NodeCoordinator.advertFor(config.node(), config.address(), backend.name(), config.traits(),
                    backend.config().stateDir()).withUnderlay(backend.network().underlay().advertised());
            push(started, NetViewWatcher.start(zk, config.node(), backend.network()));
            ZkImageStores imageStores = push(started, ZkImageStores.start(zk));
            backend.fetchImagesWith(new ImageFetcher(backend.images(), backend.config().imagesDir(), imageStores));
            push(started, () -> backend.fetchImagesWith(ImageFetcher.NONE));
            push(started, MetadataService.start(zk, backend)); // before tasks: a zone started by one has its socket
            DiskServer disks = push(started, DiskServer.start(backend.config().stateDir(), config.address(), config.transferPort()));
            NodeCoordinator coordinator = push(started, NodeCoordinator.start(zk, usage.backend(), advert,
                    backend.config().stateDir(), config.interval(), new RuncZoneMover(backend, disks), imageMaker(imageStores, usage.backend(), backend),
                    config.beatInterval()));
            ZoneAgent reconcile = push(started, new ZoneAgent(backend));
            reconcile.start(config.interval());
            return new ComputeNodeAgent(started, coordinator);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    /** Images of this node's zones: exported into the state directory, kept in its image store, uploaded to an advertised store. */
    private static ImageMaker imageMaker(ZkImageStores stores, ZoneBackend zones, RuncZoneBackend backend) {
        return new ZoneImageMaker(zones, backend.images(), backend.config().stateDir().resolve("image-work"),
                new ImageUpload(stores::current));
    }

    private static MeteringEndpoints endpoints(CuratorFramework zk, List<URI> fixed) {
        return fixed.isEmpty() ? ZkMeteringEndpoints.start(zk) : MeteringEndpoints.fixed(fixed);
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T resource) {
        started.push(resource);
        return resource;
    }

    public NodeCoordinator coordinator() {
        return coordinator;
    }

    @Override
    public void close() {
        closeAll(started);
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LOG.warn("agent: while stopping: {}", e.toString());
            }
        }
    }
}
