package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.MachineLifecycle;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.record.JobLedger;
import java.util.Map;
import java.util.Optional;
import org.apache.zookeeper.KeeperException;

/**
 * dispatched → succeeded or failed: reads the node's answer (from the {@link NodeWatcher}'s cache),
 * finishes the job in the record, settles the ledger and then removes task and answer. Until the
 * answer comes it waits; a task that vanished without an answer (e.g. lost with a ZooKeeper reset) is
 * written again. Repeated after a leader change, the answer is still there to read: the record is
 * finished before anything is removed.
 */
final class CollectStep implements JobStep {
    private final LeaderParts leader;
    private final DispatchStep dispatch;

    CollectStep(LeaderParts leader, DispatchStep dispatch) {
        this.leader = leader;
        this.dispatch = dispatch;
    }

    @Override
    public JobState from() {
        return JobState.DISPATCHED;
    }

    @Override
    public void advance(OpenJob job) throws Exception {
        String task = ZkPaths.task(job.node(), job.id().toString());
        Optional<TaskResult> answer = leader.watcher().result(job.node(), job.id());
        if (answer.isEmpty()) {
            // the cache may lag behind an answer just written; dispatch looks in ZooKeeper itself before writing.
            // A task the cache still holds is on its node or was taken with its answer written in the same
            // transaction (which the cache shows next): only a task the cache lacks is looked for in ZooKeeper.
            if (!leader.watcher().taskCached(job.node(), job.id()) && leader.zk().checkExists().forPath(task) == null) {
                dispatch.dispatch(job, job.node());
            }
            return;
        }
        TaskResult result = answer.get();
        if (result.snapshotBytes() != null) {
            // the snapshot's size joins the job, for its audit entry and for the ledger to record on the snapshot
            Map<String, Object> size = Map.of(JobLedger.SNAPSHOT_BYTES_PARAM, result.snapshotBytes());
            leader.records().advance(job.id(), size);
            job = job.after(job.state(), job.node(), size);
        }
        ZoneState after = MachineLifecycle.afterResult(job.action(), job.machine().state(), result);
        leader.finisher().finish(job, after, result.ip(), result.ok() ? null : result.error(), result.image());
        leader.hook().after(job.id(), "finished");
        if (after == ZoneState.DELETED || after == ZoneState.FAILED) {
            leader.cluster().release(job.machine().id());
        } else if (job.action() == JobKind.RESIZE && !result.ok()) {
            JobRecords.Size size = leader.records().sizeOf(job.machine().id()); // finish() put the old package back
            leader.cluster().resize(job.machine().id(), size.memoryMiB(), size.diskMiB(), size.vcpus());
        }
        // the task first: an agent still answering a redelivered copy then fails its whole publish
        // (result + task delete are one transaction) instead of leaving a result nobody collects
        for (String done : new String[] {task, ZkPaths.result(job.node(), job.id().toString())}) {
            try {
                leader.zk().delete().forPath(done);
            } catch (KeeperException.NoNodeException e) {
                // already cleaned up
            }
        }
    }
}
