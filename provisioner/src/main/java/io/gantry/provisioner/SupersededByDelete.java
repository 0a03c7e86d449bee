package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A later desired state supersedes an earlier one not yet acted on (as Nomad's scheduler drops the placements of a job
 * stopped before they ran): a job whose machine's delete is queued after it, or whose machine is already deleted, ends
 * without any node work if no node has it yet. A queued provision is never placed; a placed one whose task is not on
 * its node gives its booking back. The delete that follows then finds the machine on no node and simply records it
 * deleted ({@link PlaceStep}). A job already on its node (dispatched, or its task or answer written before a leader
 * change) is carried out, and the delete undoes it afterwards. An evacuation is left to its own step, which settles
 * its tasks on two nodes.
 *
 * <p>Why the check of ZooKeeper is enough: only the leader writes tasks, and a leader's writes need its session, whose
 * end is what lets the next leader be elected; the record's guard (queued or placed, and a delete still queued after
 * it or the machine deleted) makes a repeated or concurrent end a no-op.
 */
final class SupersededByDelete {
    private static final Logger LOG = LoggerFactory.getLogger(SupersededByDelete.class);

    private final LeaderParts leader;

    SupersededByDelete(LeaderParts leader) {
        this.leader = leader;
    }

    /** Ends {@code job} if its machine's delete supersedes it; true if the job is not to be moved on in this pass. */
    boolean endIfSuperseded(OpenJob job) throws Exception {
        boolean machineDeleted = job.machine().state() == ZoneState.DELETED;
        if (job.action() == JobKind.DELETE || job.action() == JobKind.MIGRATE || !(job.deleteQueued() || machineDeleted)) {
            return false;
        }
        if (job.state() == JobState.DISPATCHED || job.state() == JobState.PLACED && onItsNode(job)) {
            return false; // the node has it: it finishes, then the delete undoes what it did
        }
        String why = why(job, machineDeleted);
        if (!leader.finisher().supersede(job, why)) {
            return true; // another leader moved it on, or it is no longer superseded: the next pass reads it again
        }
        if (job.action() == JobKind.PROVISION) {
            leader.cluster().release(job.machine().id());
        }
        LOG.info("job {} ({} of machine {}) ended: {}", job.id(), job.action().wireName(), job.machine().id(), why);
        leader.hook().after(job.id(), "superseded");
        return true;
    }

    private boolean onItsNode(OpenJob job) throws Exception {
        String id = job.id().toString();
        return leader.zk().checkExists().forPath(ZkPaths.task(job.node(), id)) != null
                || leader.zk().checkExists().forPath(ZkPaths.result(job.node(), id)) != null;
    }

    private static String why(OpenJob job, boolean machineDeleted) {
        if (job.action() == JobKind.PROVISION) {
            return job.state() == JobState.QUEUED
                    ? "deleted before it was placed: no node was booked or asked"
                    : "deleted before it was dispatched: its booking on node " + job.node() + " was released and no zone was made";
        }
        return machineDeleted
                ? "the machine was deleted before this " + job.action().wireName() + " reached its node: nothing was done"
                : "superseded by the machine's delete before it reached its node: nothing was done";
    }
}
