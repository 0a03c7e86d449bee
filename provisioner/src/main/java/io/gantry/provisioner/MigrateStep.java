package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ExportedDisk;
import io.gantry.common.coord.NodeTask;
import io.gantry.common.coord.TaskKind;
import io.gantry.common.coord.TaskResult;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.coord.ZoneMove;
import io.gantry.provisioner.placement.PlacementDecision;
import io.gantry.provisioner.placement.PlacementEngine;
import io.gantry.provisioner.placement.PlacementRequest;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An evacuation (a {@link JobKind#MIGRATE} job), from queued to finished. The machine stays on its node, whole and
 * stopped, until its target has it:
 *
 * <ol>
 *   <li><b>queued → placed</b>: a target is chosen through the normal placement filters, never the machine's own node
 *       (or the operator's named node is checked by them); a stand-in of the machine, booked by the job's id, holds
 *       the target's capacity. The job's params get {@code target}, {@code source} and a fresh {@code token}.</li>
 *   <li><b>export</b> (dispatched): the source offers the stopped zone's disk, under the token; its answer (URL,
 *       sha256, size) joins the params and the step becomes {@code import}.</li>
 *   <li><b>import</b>: the target fetches the disk, checks its sha256 and builds the zone, stopped, with the
 *       machine's address. Then, in one transaction, the machine's {@code compute_node} becomes the target and the
 *       step {@code delete}; if the target refuses, the step becomes {@code release} with the reason.</li>
 *   <li><b>delete</b>: the source's zone is deleted, and the job succeeds. <b>release</b>: the source withdraws its
 *       offer, and the job fails with the target's reason; the machine is as it was.</li>
 * </ol>
 *
 * Each step's task has its own id ({@link NodeTask#stepId}), so the agents' memory of finished tasks tells them
 * apart; the step reached is in the record before the next task is written, so a new leader carries on from it.
 */
final class MigrateStep implements KindStep {
    static final String EXPORT = "export";
    static final String IMPORT = "import";
    static final String DELETE = "delete";
    static final String RELEASE = "release";
    private static final Logger LOG = LoggerFactory.getLogger(MigrateStep.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LeaderParts leader;
    private final PlacementEngine engine;
    private final MetadataFirst metadata;

    MigrateStep(LeaderParts leader, PlacementEngine engine) {
        this.leader = leader;
        this.engine = engine;
        this.metadata = new MetadataFirst(leader);
    }

    @Override
    public JobKind kind() {
        return JobKind.MIGRATE;
    }

    @Override
    public void advance(OpenJob job) throws Exception {
        switch (job.state()) {
            case QUEUED -> place(job);
            case PLACED -> dispatchExport(job);
            case DISPATCHED -> carryOn(job);
            default -> throw new IllegalStateException("job " + job.id() + " is " + job.state().wireName());
        }
    }

    private void place(OpenJob job) throws Exception {
        var m = job.machine();
        if (m.state() != ZoneState.STOPPED) {
            leader.finisher().finish(job, m.state(), null, "cannot evacuate a machine that is " + m.state().wireName()
                    + "; only a stopped machine moves");
            return;
        }
        String source = m.computeNode();
        if (source == null) {
            leader.finisher().finish(job, m.state(), null, "the machine was never placed on a node");
            return;
        }
        PlacementRequest request = m.placementRequest().elsewhere(job.id(), source);
        Object named = job.params().get("to");
        PlacementDecision decision = named == null ? engine.place(request) : engine.placeOn(named.toString(), request);
        if (decision instanceof PlacementDecision.NoFit noFit) {
            LOG.info("machine {} cannot be evacuated from {}: {}", m.id(), source, noFit.explained());
            leader.metrics().noFit(noFit.rejectedBy());
            leader.finisher().finish(job, m.state(), null, noFit.explained());
            return;
        }
        var chosen = (PlacementDecision.Placed) decision;
        Map<String, Object> added = new LinkedHashMap<>();
        added.put("source", source);
        added.put("target", chosen.node());
        added.put("token", newToken());
        if (!chosen.breakdown().isEmpty()) {
            added.put("placement", chosen.breakdown());
        }
        boolean placed;
        try {
            placed = leader.records().markPlacedAway(job.id(), chosen.node(), added);
        } catch (Exception e) {
            leader.cluster().release(job.id());
            throw e;
        }
        if (!placed) {
            leader.cluster().release(job.id()); // another leader moved the job on meanwhile
            return;
        }
        leader.hook().after(job.id(), "placed");
        dispatchExport(job.after(JobState.PLACED, chosen.node(), added));
    }

    private void dispatchExport(OpenJob job) throws Exception {
        holdTarget(job);
        write(job, source(job), EXPORT, () -> task(job, EXPORT, TaskKind.EXPORT, null, ZoneMove.export(token(job))));
        leader.records().markDispatched(job.id());
        leader.hook().after(job.id(), "dispatched");
    }

    private void carryOn(OpenJob job) throws Exception {
        String step = String.valueOf(job.params().getOrDefault("step", EXPORT));
        switch (step) {
            case EXPORT -> exported(job);
            case IMPORT -> imported(job);
            case DELETE -> deleted(job);
            case RELEASE -> released(job);
            default -> throw new IllegalStateException("evacuation " + job.id() + " is at an unknown step '" + step + "'");
        }
    }

    private void exported(OpenJob job) throws Exception {
        holdTarget(job);
        Optional<TaskResult> answer = answerOf(job, source(job), EXPORT,
                () -> task(job, EXPORT, TaskKind.EXPORT, null, ZoneMove.export(token(job))));
        if (answer.isEmpty()) {
            return;
        }
        TaskResult r = answer.get();
        if (!r.ok() || r.exported() == null) {
            giveUp(job, "node " + source(job) + " cannot offer the machine's disk: " + reason(r));
            return;
        }
        Map<String, Object> added = Map.of("step", IMPORT, "disk", Map.of("url", r.exported().url(),
                "sha256", r.exported().sha256(), "bytes", r.exported().bytes()));
        if (!leader.records().advance(job.id(), added)) {
            return;
        }
        leader.hook().after(job.id(), "exported");
        removeAnswer(source(job), EXPORT, job);
        OpenJob next = job.after(job.state(), job.node(), added);
        metadata.publish(job.machine().id()); // the imported zone boots on its new node with its metadata there
        write(next, target(next), IMPORT, () -> importTask(next));
    }

    private void imported(OpenJob job) throws Exception {
        holdTarget(job);
        Optional<TaskResult> answer = answerOf(job, target(job), IMPORT, () -> importTask(job));
        if (answer.isEmpty()) {
            return;
        }
        TaskResult r = answer.get();
        if (!r.ok()) {
            giveUp(job, "node " + target(job) + " cannot take the machine: " + reason(r));
            return;
        }
        Map<String, Object> added = Map.of("step", DELETE);
        if (!leader.records().moveMachine(job.id(), job.machine().id(), target(job), added)) {
            return;
        }
        var m = job.machine();
        leader.cluster().release(job.id());
        leader.cluster().book(target(job), m.placementRequest().toPlaced());
        leader.hook().after(job.id(), "moved");
        removeAnswer(target(job), IMPORT, job);
        OpenJob next = job.after(job.state(), job.node(), added);
        write(next, source(next), DELETE, () -> task(next, DELETE, TaskKind.DELETE, null, null));
    }

    private void deleted(OpenJob job) throws Exception {
        Optional<TaskResult> answer = answerOf(job, source(job), DELETE, () -> task(job, DELETE, TaskKind.DELETE, null, null));
        if (answer.isEmpty()) {
            return;
        }
        TaskResult r = answer.get();
        String error = r.ok() ? null : "the machine is on node " + target(job) + " now, but node " + source(job)
                + " could not delete its old copy: " + reason(r);
        removeAll(job);
        leader.finisher().finish(job, ZoneState.STOPPED, null, error);
        leader.hook().after(job.id(), "finished");
    }

    private void released(OpenJob job) throws Exception {
        Optional<TaskResult> answer = answerOf(job, source(job), RELEASE, () -> task(job, RELEASE, TaskKind.RELEASE, null, null));
        if (answer.isEmpty()) {
            return;
        }
        removeAll(job);
        leader.finisher().finish(job, job.machine().state(), null, String.valueOf(job.params().get("failure")));
        leader.cluster().release(job.id());
        leader.hook().after(job.id(), "finished");
    }

    /**
     * Removes every task and answer of the job's steps, on both nodes, before the job is finished: no sweeper knows
     * the steps' ids. Should the leader die before the finish, the next one writes the last task again and its
     * node answers it from its memory of finished tasks.
     */
    private void removeAll(OpenJob job) throws Exception {
        for (String step : new String[] {EXPORT, IMPORT, DELETE, RELEASE}) {
            removeAnswer(source(job), step, job);
            removeAnswer(target(job), step, job);
        }
    }

    /** The move cannot go on: the source withdraws its offer, then the job fails with {@code why}. */
    private void giveUp(OpenJob job, String why) throws Exception {
        LOG.info("evacuation {} of machine {} gives up: {}", job.id(), job.machine().id(), why);
        Map<String, Object> added = Map.of("step", RELEASE, "failure", why);
        if (!leader.records().advance(job.id(), added)) {
            return;
        }
        leader.cluster().release(job.id());
        leader.hook().after(job.id(), "giving-up");
        OpenJob next = job.after(job.state(), job.node(), added);
        write(next, source(next), RELEASE, () -> task(next, RELEASE, TaskKind.RELEASE, null, null));
    }

    /** A new leader has no booking for the stand-in: book it again while the target is to receive the machine. */
    private void holdTarget(OpenJob job) {
        if (leader.cluster().nodeOf(job.id()).isEmpty()) {
            leader.cluster().book(target(job), job.machine().placementRequest().elsewhere(job.id(), source(job)).toPlaced());
        }
    }

    /** The node's answer to this step's task; empty while there is none, and the task is written again if it vanished. */
    private Optional<TaskResult> answerOf(OpenJob job, String node, String step, TaskSupplier task) throws Exception {
        UUID id = NodeTask.stepId(job.id(), step);
        Optional<TaskResult> answer = leader.watcher().result(node, id);
        if (answer.isEmpty() && leader.zk().checkExists().forPath(ZkPaths.task(node, id.toString())) == null) {
            write(job, node, step, task); // looks in ZooKeeper itself: the cache may lag behind an answer just written
        }
        return answer;
    }

    private void write(OpenJob job, String node, String step, TaskSupplier task) throws Exception {
        String id = NodeTask.stepId(job.id(), step).toString();
        if (leader.zk().checkExists().forPath(ZkPaths.result(node, id)) != null) {
            return; // answered already (before a leader change): collected next
        }
        try {
            leader.zk().create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(ZkPaths.task(node, id), Json.write(task.get()).getBytes(StandardCharsets.UTF_8));
        } catch (KeeperException.NodeExistsException e) {
            // written before a leader change: the same task
        }
        leader.hook().after(job.id(), step + "-written");
    }

    /** Removes the task (first, as CollectStep does) and the answer of one step. */
    private void removeAnswer(String node, String step, OpenJob job) throws Exception {
        String id = NodeTask.stepId(job.id(), step).toString();
        for (String path : new String[] {ZkPaths.task(node, id), ZkPaths.result(node, id)}) {
            try {
                leader.zk().delete().forPath(path);
            } catch (KeeperException.NoNodeException e) {
                // already removed
            }
        }
    }

    private interface TaskSupplier {
        NodeTask get();
    }

    private static NodeTask task(OpenJob job, String step, TaskKind kind, ZoneSpec spec, ZoneMove move) {
        return new NodeTask(NodeTask.stepId(job.id(), step), kind, job.machine().id(), spec, null, null, Instant.now(), move);
    }

    private static NodeTask importTask(OpenJob job) {
        var m = job.machine();
        ZoneSpec spec = m.zoneSpec(String.valueOf(job.params().get("image")));
        ExportedDisk disk = disk(job);
        String ip = job.params().get("ip") == null ? null : job.params().get("ip").toString();
        return task(job, IMPORT, TaskKind.IMPORT, spec, new ZoneMove(ip, disk.url(), token(job), disk.sha256(), disk.bytes()));
    }

    private static ExportedDisk disk(OpenJob job) {
        Object disk = job.params().get("disk");
        if (!(disk instanceof Map<?, ?> d)) {
            throw new IllegalStateException("evacuation " + job.id() + " is at its import with no exported disk in its params");
        }
        return new ExportedDisk(String.valueOf(d.get("url")), String.valueOf(d.get("sha256")), ((Number) d.get("bytes")).longValue());
    }

    private static String source(OpenJob job) {
        return String.valueOf(job.params().get("source"));
    }

    private static String target(OpenJob job) {
        return job.node();
    }

    private static String token(OpenJob job) {
        return String.valueOf(job.params().get("token"));
    }

    private static String reason(TaskResult r) {
        return r.error() == null ? "no reason given" : r.error();
    }

    private static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
