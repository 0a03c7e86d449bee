package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZoneMetadata;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The record in memory, with the guards {@link JobStore} has: a job is placed only while queued and
 * dispatched only while placed; like JobStore, {@link #finish} does not look at the job's state, so
 * a test sees a job finished twice in {@link #finishes}. Thread-safe: two leaders may share it.
 */
final class FakeJobRecords implements JobRecords {
    private static final Set<ZoneState> NO_CAPACITY = EnumSet.of(ZoneState.DELETED, ZoneState.FAILED);

    private static final class MachineRow {
        final UUID id;
        final UUID account = UUID.randomUUID();
        final String name;
        final long memoryMiB;
        final long diskMiB;
        final List<String> affinity;
        ZoneState state;
        String computeNode;
        String ip;
        String error;
        List<io.gantry.common.net.Nic> nics = List.of();

        MachineRow(UUID id, String name, ZoneState state, String computeNode, long memoryMiB, long diskMiB, List<String> affinity) {
            this.id = id;
            this.name = name;
            this.state = state;
            this.computeNode = computeNode;
            this.memoryMiB = memoryMiB;
            this.diskMiB = diskMiB;
            this.affinity = affinity;
        }

        OpenJob.Machine view() {
            return new OpenJob.Machine(id, account, name, state, computeNode, memoryMiB, 2 * memoryMiB, diskMiB, 1, 100, 1000, "small",
                    Map.of(), affinity, null, Map.of(), nics, false);
        }
    }

    private static final class JobRow {
        final UUID id = UUID.randomUUID();
        final long seq;
        final JobKind kind;
        final UUID machine;
        final Map<String, Object> params;
        JobState state = JobState.QUEUED;
        String node;
        String error;

        JobRow(long seq, JobKind kind, UUID machine, Map<String, Object> params) {
            this.seq = seq;
            this.kind = kind;
            this.machine = machine;
            this.params = new java.util.LinkedHashMap<>(params);
        }
    }

    private final Map<UUID, MachineRow> machines = new LinkedHashMap<>();
    private final Map<UUID, JobRow> jobs = new LinkedHashMap<>();
    private final Map<UUID, Integer> finishes = new HashMap<>();
    private final LinkedBlockingQueue<UUID> notifications = new LinkedBlockingQueue<>();
    private long seq;
    private boolean down;
    private int failingFinishes;

    /** A machine with no node yet (a create's), in state {@code provisioning}. */
    synchronized UUID newMachine(String name, long memoryMiB, List<String> affinity) {
        return machine(name, ZoneState.PROVISIONING, null, memoryMiB, affinity);
    }

    /** The NICs the machine's zone is to have, as the record would give them with its jobs. */
    synchronized void nics(UUID machine, List<io.gantry.common.net.Nic> nics) {
        machines.get(machine).nics = nics;
    }

    synchronized UUID machine(String name, ZoneState state, String node, long memoryMiB, List<String> affinity) {
        UUID id = UUID.randomUUID();
        machines.put(id, new MachineRow(id, name, state, node, memoryMiB, 1024, affinity));
        return id;
    }

    /** Queues a job as the cloud API does: the row, then the NOTIFY. */
    synchronized UUID queue(JobKind kind, UUID machine, Map<String, Object> params) {
        JobRow job = new JobRow(seq++, kind, machine, params);
        jobs.put(job.id, job);
        notifications.add(job.id);
        return job.id;
    }

    /** Queues the machine's provision from image {@code img-1}. */
    UUID queueProvision(UUID machine) {
        return queue(JobKind.PROVISION, machine, Map.of("image", "img-1"));
    }

    synchronized OpenJob job(UUID id) {
        JobRow j = jobs.get(id);
        return new OpenJob(j.id, j.kind, j.state, j.node, j.params, "tester", machines.get(j.machine).view());
    }

    synchronized JobState stateOf(UUID job) {
        return jobs.get(job).state;
    }

    synchronized String errorOf(UUID job) {
        return jobs.get(job).error;
    }

    synchronized OpenJob.Machine machineRow(UUID machine) {
        return machines.get(machine).view();
    }

    synchronized String ipOf(UUID machine) {
        return machines.get(machine).ip;
    }

    synchronized String machineErrorOf(UUID machine) {
        return machines.get(machine).error;
    }

    synchronized int finishes(UUID job) {
        return finishes.getOrDefault(job, 0);
    }

    /** While down, every call fails as an unreachable database does. */
    synchronized void down(boolean down) {
        this.down = down;
    }

    /** The next {@code n} calls of finish fail (before changing anything). */
    synchronized void failFinishes(int n) {
        this.failingFinishes = n;
    }

    private void reachable() throws SQLException {
        if (down) {
            throw new SQLException("the record is down (test)");
        }
    }

    @Override
    public boolean awaitJobs(Duration timeout) throws SQLException {
        try {
            boolean got = notifications.poll(timeout.toMillis(), TimeUnit.MILLISECONDS) != null;
            notifications.clear();
            return got;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public synchronized List<OpenJob> openJobs() throws SQLException {
        reachable();
        return jobs.values().stream().filter(j -> j.state.isOpen()).sorted(Comparator.comparingLong(j -> j.seq))
                .map(j -> job(j.id)).toList();
    }

    @Override
    public synchronized List<JobStore.Booked> bookings() throws SQLException {
        reachable();
        List<JobStore.Booked> out = new ArrayList<>();
        for (MachineRow m : machines.values()) {
            if (m.computeNode != null && !NO_CAPACITY.contains(m.state)) {
                out.add(new JobStore.Booked(m.id, m.account.toString(), m.name, Map.of(), m.memoryMiB, m.diskMiB, m.computeNode, 1));
            }
        }
        return out;
    }

    @Override
    public synchronized Set<UUID> finishedAmong(Collection<UUID> ids) throws SQLException {
        reachable();
        Set<UUID> out = new HashSet<>();
        for (UUID id : ids) {
            JobRow j = jobs.get(id);
            if (j != null && !j.state.isOpen()) {
                out.add(id);
            }
        }
        return out;
    }

    @Override
    public synchronized boolean markPlaced(UUID job, UUID machine, String node, Map<String, Object> placement) throws SQLException {
        reachable();
        JobRow j = jobs.get(job);
        if (j == null || j.state != JobState.QUEUED) {
            return false;
        }
        j.state = JobState.PLACED;
        j.node = node;
        if (!placement.isEmpty()) {
            j.params.put("placement", placement);
        }
        machines.get(machine).computeNode = node;
        return true;
    }

    @Override
    public synchronized boolean markPlacedAway(UUID job, String node, Map<String, Object> added) throws SQLException {
        reachable();
        JobRow j = jobs.get(job);
        if (j == null || j.state != JobState.QUEUED) {
            return false;
        }
        j.state = JobState.PLACED;
        j.node = node;
        j.params.putAll(added);
        return true;
    }

    @Override
    public synchronized boolean advance(UUID job, Map<String, Object> added) throws SQLException {
        reachable();
        JobRow j = jobs.get(job);
        if (j == null || !j.state.isOpen()) {
            return false;
        }
        j.params.putAll(added);
        return true;
    }

    @Override
    public synchronized boolean moveMachine(UUID job, UUID machine, String node, Map<String, Object> added) throws SQLException {
        if (!advance(job, added)) {
            return false;
        }
        machines.get(machine).computeNode = node;
        return true;
    }

    @Override
    public synchronized void markDispatched(UUID job) throws SQLException {
        reachable();
        JobRow j = jobs.get(job);
        if (j != null && j.state == JobState.PLACED) {
            j.state = JobState.DISPATCHED;
        }
    }

    /** The image each finished job's task made (IMAGE_CREATE), as finish was given it. */
    private final Map<UUID, io.gantry.common.coord.TaskResult.MadeImage> madeImages = new HashMap<>();

    synchronized io.gantry.common.coord.TaskResult.MadeImage madeImage(UUID job) {
        return madeImages.get(job);
    }

    @Override
    public synchronized void finish(OpenJob job, ZoneState machineState, String ip, String error,
                                    io.gantry.common.coord.TaskResult.MadeImage image) throws SQLException {
        finish(job, machineState, ip, error);
        if (image != null) {
            madeImages.put(job.id(), image);
        }
    }

    @Override
    public synchronized void finish(OpenJob job, ZoneState machineState, String ip, String error) throws SQLException {
        reachable();
        if (failingFinishes > 0) {
            failingFinishes--;
            throw new SQLException("finish failed (test)");
        }
        MachineRow m = machines.get(job.machine().id());
        m.state = machineState;
        m.ip = ip == null ? m.ip : ip;
        m.error = error;
        JobRow j = jobs.get(job.id());
        j.state = error == null ? JobState.SUCCEEDED : JobState.FAILED;
        j.error = error;
        finishes.merge(job.id(), 1, Integer::sum);
    }

    /** As the ledger: only a queued or placed job that a later delete of its machine, or the machine's deletion, supersedes. */
    @Override
    public synchronized boolean supersede(OpenJob job, String why) throws SQLException {
        reachable();
        JobRow j = jobs.get(job.id());
        MachineRow m = machines.get(j.machine);
        boolean deleteLater = jobs.values().stream()
                .anyMatch(d -> d.machine.equals(j.machine) && d.kind == JobKind.DELETE && d.state.isOpen() && d.seq > j.seq);
        boolean notOnANode = j.state == JobState.QUEUED || j.state == JobState.PLACED;
        if (j.kind == JobKind.DELETE || !notOnANode || !(deleteLater || m.state == ZoneState.DELETED)) {
            return false;
        }
        j.state = JobState.FAILED;
        j.error = why;
        if (j.kind == JobKind.PROVISION) {
            m.computeNode = null;
        }
        finishes.merge(j.id, 1, Integer::sum);
        return true;
    }

    @Override
    public synchronized Size sizeOf(UUID machine) throws SQLException {
        reachable();
        MachineRow m = machines.get(machine);
        return new Size(m.memoryMiB, m.diskMiB, 1);
    }

    @Override
    public synchronized Optional<ZoneMetadata> zoneMetadata(UUID machine) throws SQLException {
        reachable();
        MachineRow m = machines.get(machine);
        if (m == null || m.state == ZoneState.DELETED) {
            return Optional.empty();
        }
        return Optional.of(new ZoneMetadata(m.id, 1, m.name, m.account, "tenant", Map.of(), Map.of(), List.of(), List.of()));
    }

    @Override
    public synchronized int markNodeUnknown(String node) throws SQLException {
        reachable();
        int n = 0;
        for (MachineRow m : machines.values()) {
            if (node.equals(m.computeNode) && EnumSet.of(ZoneState.RUNNING, ZoneState.STOPPED, ZoneState.STOPPING).contains(m.state)) {
                m.state = ZoneState.UNKNOWN;
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized Map<UUID, ZoneState> settledMachinesOn(String node) throws SQLException {
        reachable();
        Map<UUID, ZoneState> out = new HashMap<>();
        for (MachineRow m : machines.values()) {
            boolean busy = jobs.values().stream().anyMatch(j -> j.machine.equals(m.id) && j.state.isOpen());
            if (node.equals(m.computeNode) && m.state != ZoneState.DELETED && !busy) {
                out.put(m.id, m.state);
            }
        }
        return out;
    }

    @Override
    public synchronized void setState(UUID machine, ZoneState state, String ip) throws SQLException {
        reachable();
        MachineRow m = machines.get(machine);
        m.state = state;
        m.ip = ip == null ? m.ip : ip;
    }

    /** What {@link #recordNodes} last wrote of each node. */
    final Map<String, NodeSighting> nodes = new java.util.concurrent.ConcurrentHashMap<>();
    /** What {@link #closedNodes} answers; tests set it as an operator would. */
    final Map<String, String> closed = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void recordNodes(List<NodeSighting> sightings) throws SQLException {
        reachable();
        sightings.forEach(s -> nodes.put(s.node(), s));
    }

    @Override
    public Map<String, String> closedNodes() throws SQLException {
        reachable();
        return Map.copyOf(closed);
    }

    @Override
    public void close() {
        // shared by every leader of a test: nothing to release
    }
}
