package io.gantry.agent.coord;

import io.gantry.agent.ZoneBackend;
import io.gantry.agent.host.HostLimits;
import io.gantry.agent.image.ImageMaker;
import io.gantry.agent.move.ZoneMover;
import io.gantry.common.coord.NodeAdvert;
import io.gantry.common.coord.NodeCapacity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of coordination, as the launcher uses it: advertises the node, takes its tasks
 * and reports its zones. Closing stops all three and leaves the zones as they are.
 */
public final class NodeCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCoordinator.class);

    private final NodeMembership membership;
    private final TaskIntake intake;
    private final NodeReporter reporter;
    private BeatSender beats;

    private NodeCoordinator(NodeMembership membership, TaskIntake intake, NodeReporter reporter) {
        this.membership = membership;
        this.intake = intake;
        this.reporter = reporter;
    }

    /**
     * Starts coordinating with an already started {@code client}. Tasks still queued from before
     * (written while no agent ran) are taken at once. Finished tasks are remembered in
     * {@code stateDir/tasks/finished}.
     */
    public static NodeCoordinator start(CuratorFramework client, ZoneBackend backend, NodeAdvert advert, Path stateDir,
                                        Duration reportInterval) {
        return start(client, backend, advert, stateDir, reportInterval, ZoneMover.NONE);
    }

    /** As above, with {@code mover} carrying out this node's part of evacuations. */
    public static NodeCoordinator start(CuratorFramework client, ZoneBackend backend, NodeAdvert advert, Path stateDir,
                                        Duration reportInterval, ZoneMover mover) {
        return start(client, backend, advert, stateDir, reportInterval, mover, ImageMaker.NONE);
    }

    /** As above, with {@code images} making the images of this node's zones (CreateImageFromMachine). */
    public static NodeCoordinator start(CuratorFramework client, ZoneBackend backend, NodeAdvert advert, Path stateDir,
                                        Duration reportInterval, ZoneMover mover, ImageMaker images) {
        return start(client, backend, advert, stateDir, reportInterval, mover, images, BeatSender.DEFAULT_INTERVAL);
    }

    /**
     * As above, beating to the provisioners every {@code beatInterval}; with {@code null}, this coordinator sends no
     * beats and the caller beats for the node (one {@link BeatSender} for many nodes of one process).
     */
    public static NodeCoordinator start(CuratorFramework client, ZoneBackend backend, NodeAdvert advert, Path stateDir,
                                        Duration reportInterval, ZoneMover mover, ImageMaker images, Duration beatInterval) {
        Clock clock = Clock.systemUTC();
        String node = advert.node();
        FinishedTasks finished = new FinishedTasks(stateDir);
        NodeReporter reporter = new NodeReporter(client, node, backend, reportInterval, clock);
        TaskIntake intake = new TaskIntake(client, node, new TaskExecutor(backend, mover, images, clock), finished, reporter::reportSoon, clock);
        NodeMembership membership = new NodeMembership(client, advert);
        NodeCoordinator coordinator = new NodeCoordinator(membership, intake, reporter);
        try {
            reporter.start();
            intake.start();
            membership.start();
            if (beatInterval != null) {
                coordinator.beats = BeatSender.start(client, node, beatInterval);
            }
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        LOG.info("node {}: coordinating ({} backend, {} finished tasks remembered)", node, backend.name(), finished.size());
        return coordinator;
    }

    public NodeMembership membership() {
        return membership;
    }

    public NodeReporter reporter() {
        return reporter;
    }

    /** Stops advertising first, so no new work is sent, then lets the current task finish. */
    @Override
    public void close() {
        if (beats != null) {
            beats.close();
        }
        try {
            membership.close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("node {}: cannot withdraw the advert: {}", membership.advert().node(), e.toString());
        }
        intake.close();
        reporter.close();
    }

    /**
     * This host's advert: memory from /proc/meminfo, CPUs as the JVM sees them, disk as the free
     * space where {@code stateDir} lives.
     */
    public static NodeAdvert advertFor(String node, String address, String backend, Map<String, String> traits,
                                       Path stateDir) {
        NodeCapacity capacity = new NodeCapacity(memoryMiB(), freeDiskMiB(stateDir), Runtime.getRuntime().availableProcessors());
        return new NodeAdvert(node, address, backend, capacity, traits, Clock.systemUTC().instant());
    }

    static long memoryMiB() {
        return HostLimits.meminfoMiB("MemTotal");
    }

    static long freeDiskMiB(Path stateDir) {
        return HostLimits.freeDiskMiB(stateDir);
    }
}
