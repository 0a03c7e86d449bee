package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.ZkPaths;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;

/**
 * placed → dispatched: writes the job's task under its node's {@code tasks} (a PROVISION only once the machine's
 * metadata is in ZooKeeper, {@link MetadataFirst}). Repeated, it writes no
 * second task: the task is named by the job, and a job the node already answered is only marked
 * dispatched (its answer is collected next).
 */
final class DispatchStep implements JobStep {
    private final LeaderParts leader;
    private final MetadataFirst metadata;

    DispatchStep(LeaderParts leader) {
        this.leader = leader;
        this.metadata = new MetadataFirst(leader);
    }

    @Override
    public JobState from() {
        return JobState.PLACED;
    }

    @Override
    public void advance(OpenJob job) throws Exception {
        dispatch(job, job.node());
    }

    /** Dispatches to {@code node}: the job's node, or the one just chosen for it. */
    void dispatch(OpenJob job, String node) throws Exception {
        if (leader.zk().checkExists().forPath(ZkPaths.result(node, job.id().toString())) != null) {
            leader.records().markDispatched(job.id()); // the node already answered (before a leader change): just collect it
            return;
        }
        write(job, node);
    }

    /**
     * Dispatches a job this leader has just moved from queued to placed: no node can have answered it, as a task is only
     * ever written after the record took its placement (and the record took it from this leader), so the look for an
     * answer is skipped (one ZooKeeper round trip of the few a provision's way to its node takes).
     */
    void dispatchJustPlaced(OpenJob job, String node) throws Exception {
        write(job, node);
    }

    private void write(OpenJob job, String node) throws Exception {
        NodeTask task = taskFor(job);
        if (job.action() == JobKind.PROVISION) {
            metadata.publish(job.machine().id()); // the zone's first boot runs its user-script
        }
        try {
            leader.zk().create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(ZkPaths.task(node, job.id().toString()), Json.write(task).getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            // written before a leader change: the same task
        }
        leader.hook().after(job.id(), "task-written");
        leader.records().markDispatched(job.id());
        leader.hook().after(job.id(), "dispatched");
    }

    /**
     * The task that carries out the job on its node: one case per job kind. A resize carries the new
     * package's name (the zone is metered under it); a throttle is no package change.
     */
    static NodeTask taskFor(OpenJob job) {
        var m = job.machine();
        Package pkg = new Package(m.packageName(), m.memoryMiB(), m.swapMiB(), m.vcpus(), m.effectiveCpuCap(), m.lwps(), m.diskMiB());
        return switch (job.action()) {
            case PROVISION -> new NodeTask(job.id(), job.action().task(), m.id(), m.zoneSpec(String.valueOf(job.params().get("image"))),
                    null, null, Instant.now());
            // the zone's whole spec: the node makes its NICs these (the image is the machine's, which the node has already)
            case UPDATE_NICS -> new NodeTask(job.id(), job.action().task(), m.id(), m.zoneSpec(String.valueOf(job.params().get("image"))),
                    null, null, Instant.now());
            case RESIZE -> new NodeTask(job.id(), job.action().task(), m.id(), null,
                    new ResourceUpdate(pkg.memoryMiB(), pkg.swapMiB(), pkg.vcpus(), pkg.cpuCap(), pkg.lwps(), pkg.diskMiB(), pkg.name()),
                    null, Instant.now());
            case THROTTLE -> new NodeTask(job.id(), job.action().task(), m.id(), null,
                    new ResourceUpdate(null, null, null, pkg.cpuCap(), null, null, null), null, Instant.now());
            case START, STOP, REBOOT, DELETE -> new NodeTask(job.id(), job.action().task(), m.id(), null, null, 10, Instant.now());
            // the snapshot's name; a rollback stops a running zone first, with the grace a stop has
            case SNAPSHOT_CREATE, SNAPSHOT_DELETE, START_FROM_SNAPSHOT -> new NodeTask(job.id(), job.action().task(), m.id(), null, null,
                    10, Instant.now(), null, String.valueOf(job.params().get("name")));
            case MIGRATE -> throw new IllegalStateException("an evacuation has several tasks: MigrateStep writes them");
            // the machine's spec (its image is the one the node already runs it from): the node exports the stopped zone's root
            case IMAGE_CREATE -> new NodeTask(job.id(), job.action().task(), m.id(), m.zoneSpec(String.valueOf(job.params().get("image"))),
                    null, null, Instant.now());
        };
    }
}
