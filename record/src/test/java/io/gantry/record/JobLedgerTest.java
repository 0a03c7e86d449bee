package io.gantry.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.Json;
import io.gantry.common.ZoneState;
import io.gantry.record.TestRecord.Driver;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.PGConnection;

/** The job ledger on a real PostgreSQL, through each driver it is used with (the provisioner's JDBC, Hibernate Reactive). */
class JobLedgerTest {
    private static TestRecord db;
    private static UUID small;
    private static UUID big;
    private UUID account;

    @BeforeAll
    static void start() throws Exception {
        db = new TestRecord();
        small = db.pkg("small-" + UUID.randomUUID(), 128, 1024, 1);
        big = db.pkg("big-" + UUID.randomUUID(), 1024, 4096, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void newAccount() throws Exception {
        account = db.account();
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void queueRecordsAQueuedJobAndNotifiesAListenerAtCommit(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "stopped");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("cpu_cap", null); // metering's lifted throttle: the null is kept
        params.put("reason", "no budget exceeded");
        var job = JobLedger.Job.of(machine, JobKind.THROTTLE, params, "metering");
        try (Connection listener = db.connect()) {
            listener.createStatement().execute("LISTEN " + JobLedger.CHANNEL);
            db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

            var notes = listener.unwrap(PGConnection.class).getNotifications(5_000);
            assertThat(notes).isNotNull().hasSize(1);
            assertThat(notes[0].getName()).isEqualTo("gantry_jobs");
        }
        var row = db.row("select machine_id, action, params, state, caller, node, error, created = updated from jobs where id = ?", job.id());
        assertThat(row).containsExactly(machine, "throttle", "{\"cpu_cap\":null,\"reason\":\"no budget exceeded\"}", "queued", "metering",
                null, null, true);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aRolledBackQueueLeavesNoJobAndNoNotification(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "running");
        var job = JobLedger.Job.of(machine, JobKind.STOP, Map.of(), "tenant");
        try (Connection listener = db.connect()) {
            listener.createStatement().execute("LISTEN " + JobLedger.CHANNEL);
            assertThatThrownBy(() -> db.inTransaction(driver, sql -> new JobLedger(sql).queue(job)
                    .thenCompose(v -> CompletableFuture.failedStage(new IllegalStateException("admission refused"))))).hasMessageContaining("admission refused");

            assertThat(listener.unwrap(PGConnection.class).getNotifications(300)).isNullOrEmpty();
        }
        assertThat(db.query("select 1 from jobs where id = ?", job.id())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void manyJobsQueueInOneStatementInTheOrderGiven(Driver driver) throws Exception {
        UUID a = db.machine(account, small, "small", "running");
        UUID b = db.machine(account, small, "small", "running");
        var jobs = List.of(JobLedger.Job.of(a, JobKind.STOP, Map.of("reason", "budget"), "metering"),
                JobLedger.Job.of(b, JobKind.THROTTLE, Map.of("cpu_cap", 50), "metering"));
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(jobs));

        assertThat(db.query("select machine_id, action, params, state from jobs where machine_id in (?, ?) order by action", a, b))
                .containsExactly(List.of(a, "stop", "{\"reason\":\"budget\"}", "queued"), List.of(b, "throttle", "{\"cpu_cap\":50}", "queued"));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void placedAndDispatchedMoveOnlyFromTheStateBefore(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var job = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of("image", "busybox"), "tenant");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

        assertThat(dispatched(driver, job.id())).isFalse();
        assertThat(stateOf(job.id())).isEqualTo(JobState.QUEUED);

        assertThat(placed(driver, job.id(), machine, "node-1")).isTrue();
        assertThat(db.row("select state, node from jobs where id = ?", job.id())).containsExactly("placed", "node-1");
        assertThat(db.row("select compute_node from machines where id = ?", machine)).containsExactly("node-1");

        // a second leader that read the job while it was queued: it must not place it again
        assertThat(placed(driver, job.id(), machine, "node-2")).isFalse();
        assertThat(db.row("select state, node from jobs where id = ?", job.id())).containsExactly("placed", "node-1");
        assertThat(db.row("select compute_node from machines where id = ?", machine)).containsExactly("node-1");

        assertThat(dispatched(driver, job.id())).isTrue();
        assertThat(stateOf(job.id())).isEqualTo(JobState.DISPATCHED);
        assertThat(dispatched(driver, job.id())).isFalse();
        assertThat(placed(driver, job.id(), machine, "node-2")).isFalse();
        assertThat(stateOf(job.id())).isEqualTo(JobState.DISPATCHED);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void howANodeWasChosenJoinsTheJobsParamsAndItsAuditEntry(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var job = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of("image", "busybox"), "tenant dave");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));
        Map<String, Object> placement = new LinkedHashMap<>();
        placement.put("node", "node-3");
        placement.put("nodes_evaluated", 4);

        boolean placed = db.inTransaction(driver, sql -> new JobLedger(sql).markPlaced(job.id(), machine, "node-3", placement));
        assertThat(placed).isTrue();
        db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.RUNNING, null, null));

        String audited = (String) db.row("select params from audit where machine_id = ?", machine).get(0);
        assertThat(io.gantry.common.Json.read(audited, Map.class))
                .isEqualTo(Map.of("image", "busybox", "placement", Map.of("node", "node-3", "nodes_evaluated", 4)));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aSucceededJobSetsTheMachineAndAuditsOnce(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var job = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of("image", "busybox"), "tenant alice");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.RUNNING, "10.200.0.7", null));

        assertThat(db.row("select state, ip, error from machines where id = ?", machine)).containsExactly("running", "10.200.0.7", null);
        assertThat(db.row("select state, error from jobs where id = ?", job.id())).containsExactly("succeeded", null);
        assertThat(db.query("select action, success, caller, params from audit where machine_id = ?", machine))
                .containsExactly(List.of("provision", true, "tenant alice", "{\"image\":\"busybox\"}"));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aFailedJobKeepsTheAddressAndRecordsItsErrorOnMachineJobAndAudit(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "running");
        db.execute("update machines set ip = '10.200.0.9' where id = ?", machine);
        var job = JobLedger.Job.of(machine, JobKind.REBOOT, Map.of(), "tenant bob");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.STOPPED, null, "runc: exit status 1"));

        assertThat(db.row("select state, ip, error from machines where id = ?", machine))
                .containsExactly("stopped", "10.200.0.9", "runc: exit status 1");
        assertThat(db.row("select state, error from jobs where id = ?", job.id())).containsExactly("failed", "runc: exit status 1");
        var audit = db.query("select action, success, caller, params from audit where machine_id = ?", machine);
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).subList(0, 3)).containsExactly("reboot", false, "tenant bob");
        assertThat(Json.read((String) audit.get(0).get(3), Map.class)).isEqualTo(Map.of("error", "runc: exit status 1"));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aMachineOfADisabledAccountThatWouldEndRunningEndsStoppingWithAStopJob(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var job = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of(), "tenant alice");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));
        db.execute("update accounts set disabled_at = now() where id = ?", account);

        try (Connection listener = db.connect()) {
            listener.createStatement().execute("LISTEN " + JobLedger.CHANNEL);
            db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.RUNNING, "10.200.0.8", null));
            assertThat(listener.unwrap(PGConnection.class).getNotifications(5_000)).as("the provisioner is woken for the stop").isNotEmpty();
        }

        assertThat(db.row("select state, ip from machines where id = ?", machine)).containsExactly("stopping", "10.200.0.8");
        assertThat(db.row("select state from jobs where id = ?", job.id())).containsExactly("succeeded");
        assertThat(db.query("select action, state, caller from jobs where machine_id = ? and id <> ?", machine, job.id()))
                .containsExactly(List.of("stop", "queued", JobLedger.ACCOUNT_DISABLED_CALLER));
        assertThat(db.query("select action, success from audit where machine_id = ?", machine)).containsExactly(List.of("provision", true));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aDisabledAccountsMachineWithAnotherOpenJobIsLeftToThatJob(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var provision = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of(), "tenant alice");
        var stop = JobLedger.Job.of(machine, JobKind.STOP, Map.of(), "metering");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(List.of(provision, stop)));
        db.execute("update accounts set disabled_at = now() where id = ?", account);

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(provision, ZoneState.RUNNING, null, null));

        assertThat(db.row("select state from machines where id = ?", machine)).containsExactly("running");
        assertThat(db.scalar("select count(*) from jobs where machine_id = ?", machine)).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aDisabledAccountsMachineANodeReportsRunningIsRecordedStoppingWithAStopJob(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "unknown");
        UUID stopped = db.machine(account, small, "small", "unknown");
        db.execute("update accounts set disabled_at = now() where id = ?", account);

        db.inTransaction(driver, sql -> new JobLedger(sql).observed(machine, ZoneState.RUNNING, "10.200.0.4")
                .thenCompose(v -> new JobLedger(sql).observed(stopped, ZoneState.STOPPED, null)));

        assertThat(db.row("select state, ip from machines where id = ?", machine)).containsExactly("stopping", "10.200.0.4");
        assertThat(db.query("select action, state, caller from jobs where machine_id = ?", machine))
                .containsExactly(List.of("stop", "queued", JobLedger.ACCOUNT_DISABLED_CALLER));
        assertThat(db.row("select state from machines where id = ?", stopped)).containsExactly("stopped");
        assertThat(db.scalar("select count(*) from jobs where machine_id = ?", stopped)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void anEnabledAccountsMachineANodeReportsRunningIsRecordedRunning(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "unknown");

        db.inTransaction(driver, sql -> new JobLedger(sql).observed(machine, ZoneState.RUNNING, null));

        assertThat(db.row("select state from machines where id = ?", machine)).containsExactly("running");
        assertThat(db.scalar("select count(*) from jobs where machine_id = ?", machine)).isZero();
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aMachineOfAnEnabledAccountEndsRunningWithNoStopJob(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "stopped");
        var start = JobLedger.Job.of(machine, JobKind.START, Map.of(), "tenant alice");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(start));

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(start, ZoneState.RUNNING, null, null));

        assertThat(db.row("select state from machines where id = ?", machine)).containsExactly("running");
        assertThat(db.scalar("select count(*) from jobs where machine_id = ?", machine)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aFailedResizeGoesBackToItsFromPackageAndShowsIt(Driver driver) throws Exception {
        UUID machine = resizedToBig();
        var job = resizeJob(machine);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.RUNNING, null, "not enough memory on node-1"));

        assertThat(db.row("select package_id, package_name, memory, swap, disk, vcpus, cpu_cap, lwps, resizing_from from machines where id = ?",
                machine)).containsExactly(small, db.row("select name from packages where id = ?", small).get(0), 128L, 128L, 1024L, 1, 100, 256,
                null);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aSucceededResizeKeepsTheNewPackageAndShowsIt(Driver driver) throws Exception {
        UUID machine = resizedToBig();
        var job = resizeJob(machine);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.RUNNING, null, null));

        assertThat(db.row("select package_id, memory, resizing_from from machines where id = ?", machine)).containsExactly(big, 1024L, null);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void anAnsweredResizeStillShowsTheOldPackageWhileAnotherResizeIsOpen(Driver driver) throws Exception {
        UUID machine = resizedToBig();
        var first = resizeJob(machine);
        var second = resizeJob(machine);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(first).thenCompose(v -> new JobLedger(sql).queue(second)));

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(first, ZoneState.RUNNING, null, null));
        assertThat(db.row("select resizing_from from machines where id = ?", machine)).containsExactly("small");

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(second, ZoneState.RUNNING, null, null));
        assertThat(db.row("select resizing_from from machines where id = ?", machine)).containsExactly((Object) null);
    }

    private static boolean supersede(Driver driver, JobLedger.Job job, String why) throws Exception {
        return db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).supersede(job, why));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aQueuedProvisionIsSupersededOnlyByADeleteQueuedAfterItAndOnlyOnce(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var provision = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of("image", "img"), "tenant alice");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(provision));
        assertThat(supersede(driver, provision, "deleted before it was placed")).as("no delete queued: nothing supersedes it").isFalse();
        assertThat(db.row("select state from jobs where id = ?", provision.id())).containsExactly("queued");

        db.inTransaction(driver, sql -> new JobLedger(sql).queue(JobLedger.Job.of(machine, JobKind.DELETE, Map.of(), "tenant alice")));
        assertThat(supersede(driver, provision, "deleted before it was placed")).isTrue();
        assertThat(supersede(driver, provision, "deleted before it was placed")).as("repeated: a no-op").isFalse();

        assertThat(db.row("select state, error from jobs where id = ?", provision.id())).containsExactly("failed", "deleted before it was placed");
        assertThat(db.row("select state, compute_node from machines where id = ?", machine)).as("the delete sets the state")
                .containsExactly("provisioning", null);
        assertThat(db.query("select action, success, params from audit where machine_id = ?", machine))
                .containsExactly(List.of("provision", false, "{\"image\":\"img\",\"error\":\"deleted before it was placed\"}"));
        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).markPlaced(provision.id(), machine, "node-1", Map.of())))
                .as("a leader that read it queued cannot place it any more").isFalse();
        assertThat(db.row("select compute_node from machines where id = ?", machine)).containsExactly((Object) null);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aPlacedProvisionSupersededLeavesItsNodeAndCannotBeDispatched(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "provisioning");
        var provision = JobLedger.Job.of(machine, JobKind.PROVISION, Map.of(), "tenant alice");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(provision));
        db.inTransaction(driver, sql -> new JobLedger(sql).markPlaced(provision.id(), machine, "node-1", Map.of()));
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(JobLedger.Job.of(machine, JobKind.DELETE, Map.of(), "tenant alice")));

        assertThat(supersede(driver, provision, "deleted before it was dispatched")).isTrue();

        assertThat(db.row("select compute_node from machines where id = ?", machine)).as("no room held on node-1").containsExactly((Object) null);
        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).markDispatched(provision.id()))).isFalse();
        assertThat(db.row("select state from jobs where id = ?", provision.id())).containsExactly("failed");
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aDispatchedJobOrOneQueuedAfterAnOpenDeleteIsNotSuperseded(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "running");
        db.execute("update machines set compute_node = 'node-1' where id = ?", machine);
        var stop = JobLedger.Job.of(machine, JobKind.STOP, Map.of(), "tenant alice");
        var delete = JobLedger.Job.of(machine, JobKind.DELETE, Map.of(), "tenant alice");
        var start = JobLedger.Job.of(machine, JobKind.START, Map.of(), "tenant alice");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(List.of(stop, delete, start)));
        db.inTransaction(driver, sql -> new JobLedger(sql).markPlaced(stop.id(), machine, "node-1", Map.of())
                .thenCompose(p -> new JobLedger(sql).markDispatched(stop.id())));

        assertThat(supersede(driver, stop, "superseded")).as("its task is on the node").isFalse();
        assertThat(supersede(driver, delete, "superseded")).as("a delete is never superseded").isFalse();
        assertThat(supersede(driver, start, "superseded")).as("queued after the delete, which has not ended").isFalse();

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(stop, ZoneState.STOPPED, null, null)
                .thenCompose(v -> new JobLedger(sql).finish(delete, ZoneState.DELETED, null, null)));
        assertThat(supersede(driver, start, "the machine was deleted")).as("its machine is deleted").isTrue();
        assertThat(db.row("select state from machines where id = ?", machine)).as("still deleted").containsExactly("deleted");
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aSupersededResizeGoesBackToItsFromPackage(Driver driver) throws Exception {
        UUID machine = resizedToBig();
        var resize = resizeJob(machine);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(resize)
                .thenCompose(v -> new JobLedger(sql).queue(JobLedger.Job.of(machine, JobKind.DELETE, Map.of(), "tenant alice"))));

        assertThat(supersede(driver, resize, "the machine's delete came first")).isTrue();

        assertThat(db.row("select package_id, memory, resizing_from from machines where id = ?", machine)).containsExactly(small, 128L, null);
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void theMachinesWithAnOpenJobAreTheQueuedPlacedAndDispatchedOnes(Driver driver) throws Exception {
        UUID queued = db.machine(account, small, "small", "running");
        UUID dispatched = db.machine(account, small, "small", "running");
        UUID finished = db.machine(account, small, "small", "running");
        UUID idle = db.machine(account, small, "small", "running");
        var q = JobLedger.Job.of(queued, JobKind.STOP, Map.of(), "tenant");
        var d = JobLedger.Job.of(dispatched, JobKind.STOP, Map.of(), "tenant");
        var f = JobLedger.Job.of(finished, JobKind.STOP, Map.of(), "tenant");
        db.inTransaction(Driver.JDBC, sql -> {
            JobLedger ledger = new JobLedger(sql);
            return ledger.queue(List.of(q, d, f))
                    .thenCompose(v -> ledger.markPlaced(d.id(), dispatched, "node-1", Map.of()))
                    .thenCompose(v -> ledger.markDispatched(d.id()))
                    .thenCompose(v -> ledger.finish(f, ZoneState.STOPPED, null, null));
        });

        Set<UUID> busy = open(driver, List.of(queued, dispatched, finished, idle));
        assertThat(busy).containsExactlyInAnyOrder(queued, dispatched);
        assertThat(open(driver, List.of(idle, UUID.randomUUID()))).isEmpty();
        assertThat(open(driver, List.of())).isEmpty();
    }

    /** A machine the cloud API has just resized from small to big: the new package applied, the old one shown. */
    private UUID resizedToBig() throws Exception {
        UUID machine = db.machine(account, small, "small", "running");
        db.execute("update machines m set package_id = p.id, package_name = p.name, memory = p.memory, swap = p.swap, disk = p.disk,"
                + " vcpus = p.vcpus, cpu_cap = p.cpu_cap, lwps = p.lwps, resizing_from = 'small' from packages p where m.id = ? and p.id = ?",
                machine, big);
        return machine;
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void aListOfJobsIsQueuedInItsOrder(Driver driver) throws Exception {
        List<JobLedger.Job> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            jobs.add(JobLedger.Job.of(db.machine(account, small, "small", "running"), JobKind.STOP, Map.of(), "operator admin"));
        }
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(jobs));
        List<Object> queued = db.query("select id from jobs where id = any(?) order by created, id",
                        (Object) jobs.stream().map(JobLedger.Job::id).toArray(UUID[]::new))
                .stream().map(r -> r.get(0)).toList();
        assertThat(queued).containsExactlyElementsOf(jobs.stream().map(JobLedger.Job::id).toList());
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void abandonFailsTheMachinesOpenJobsTakesItOffItsNodeAndAuditsIt(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "unknown");
        db.execute("update machines set compute_node = 'gone1' where id = ?", machine);
        var stop = JobLedger.Job.of(machine, JobKind.STOP, Map.of(), "tenant dan");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(stop));
        assertThat(placed(driver, stop.id(), machine, "gone1")).isTrue();
        UUID other = db.machine(account, small, "small", "running");
        var untouched = JobLedger.Job.of(other, JobKind.STOP, Map.of(), "tenant dan");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(untouched));

        db.inTransaction(driver, sql -> new JobLedger(sql).abandon(machine, "forget", "node gone1 was lost", "operator admin"));

        assertThat(db.row("select state, error, compute_node from machines where id = ?", machine))
                .containsExactly("failed", "node gone1 was lost", null);
        assertThat(db.row("select state, error from jobs where id = ?", stop.id())).containsExactly("failed", "node gone1 was lost");
        assertThat(stateOf(untouched.id())).isEqualTo(JobState.QUEUED);
        assertThat(db.query("select action, success, caller, params from audit where machine_id = ?", machine))
                .containsExactly(List.of("forget", false, "operator admin", "{\"error\":\"node gone1 was lost\"}"));
    }

    private UUID creatingImage(UUID machine) throws Exception {
        UUID image = UUID.randomUUID();
        db.execute("insert into images (id, name, version, os, type, state, public, published_at, owner_account, origin_machine)"
                + " values (?, ?, '1', 'other', 'zone-dataset', 'creating', false, now(), ?, ?)", image, "img-" + image, account, machine);
        return image;
    }

    private static JobLedger.Job imageJob(UUID machine, UUID image) {
        return JobLedger.Job.of(machine, JobKind.IMAGE_CREATE, Map.of("image", "e".repeat(64), JobLedger.MADE_IMAGE_PARAM, image.toString()),
                "tenant erin");
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void anImageCreatesEndMakesItsImageActiveWithTheFileOrFailedWithTheReason(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "stopped");
        UUID made = creatingImage(machine);
        var ok = imageJob(machine, made);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(ok));
        db.inTransaction(driver, sql -> new JobLedger(sql).finish(ok, ZoneState.STOPPED, null, null,
                new io.gantry.common.coord.TaskResult.MadeImage("d".repeat(64), 5_000_000_000L)));
        assertThat(db.row("select state, node_image, size_bytes, error from images where id = ?", made))
                .containsExactly("active", "d".repeat(64), 5_000_000_000L, null);
        assertThat(db.row("select state from machines where id = ?", machine)).containsExactly("stopped");

        UUID broken = creatingImage(machine);
        var failing = imageJob(machine, broken);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(failing));
        db.inTransaction(driver, sql -> new JobLedger(sql).finish(failing, ZoneState.STOPPED, null, "no image store is advertised"));
        assertThat(db.row("select state, node_image, error from images where id = ?", broken))
                .containsExactly("failed", null, "no image store is advertised");

        UUID silent = creatingImage(machine);
        var noImage = imageJob(machine, silent);
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(noImage));
        db.inTransaction(driver, sql -> new JobLedger(sql).finish(noImage, ZoneState.STOPPED, null, null, null));
        assertThat(db.row("select state, error from images where id = ?", silent))
                .as("a success without an image is no image").containsExactly("failed", "the node answered without the image it made");
        assertThat(stateOf(noImage.id())).isEqualTo(JobState.FAILED);

        UUID orphan = creatingImage(machine);
        db.inTransaction(driver, sql -> new JobLedger(sql).abandon(machine, "forget", "node gone2 was lost", "operator admin"));
        assertThat(db.row("select state, error from images where id = ?", orphan)).containsExactly("failed", "node gone2 was lost");
        assertThat(db.row("select state from images where id = ?", made)).as("a made image stays").containsExactly("active");
    }

    private static JobLedger.Job resizeJob(UUID machine) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", small.toString());
        params.put("to", big.toString());
        return JobLedger.Job.of(machine, JobKind.RESIZE, params, "tenant carol");
    }

    private static boolean placed(Driver driver, UUID job, UUID machine, String node) throws Exception {
        return db.inTransaction(driver, sql -> new JobLedger(sql).markPlaced(job, machine, node, Map.of()));
    }

    private static boolean dispatched(Driver driver, UUID job) throws Exception {
        return db.inTransaction(driver, sql -> new JobLedger(sql).markDispatched(job));
    }

    private static Set<UUID> open(Driver driver, List<UUID> machines) throws Exception {
        return db.inTransaction(driver, sql -> new JobLedger(sql).withOpenJobs(machines));
    }

    private static JobState stateOf(UUID job) throws Exception {
        return JobState.fromWire((String) db.row("select state from jobs where id = ?", job).get(0));
    }

    @ParameterizedTest
    @EnumSource(Driver.class)
    void anEvacuationIsPlacedAwayRecordsItsStepsMovesItsMachineOnceAndDropsItsTokenAtTheEnd(Driver driver) throws Exception {
        UUID machine = db.machine(account, small, "small", "stopped");
        db.execute("update machines set compute_node = 'cn1', ip = '10.200.0.4' where id = ?", machine);
        var job = JobLedger.Job.of(machine, JobKind.MIGRATE, Map.of("source", "cn1"), "admin (op-key)");
        db.inTransaction(driver, sql -> new JobLedger(sql).queue(job));

        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).markPlacedAway(job.id(), "cn2",
                Map.of("target", "cn2", "token", "secret-token")))).isTrue();
        assertThat(db.row("select state, node from jobs where id = ?", job.id())).containsExactly("placed", "cn2");
        assertThat(db.row("select compute_node from machines where id = ?", machine)).as("the machine stays until the target has it")
                .containsExactly("cn1");
        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).markPlacedAway(job.id(), "cn3", Map.of()))).isFalse();

        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).advance(job.id(), Map.of("step", "import",
                "disk", Map.of("url", "http://10.0.0.1:7777/disks/x"))))).isTrue();
        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).moveMachine(job.id(), machine, "cn2", Map.of("step", "delete"))))
                .isTrue();
        assertThat(db.row("select compute_node, ip from machines where id = ?", machine)).containsExactly("cn2", "10.200.0.4");
        assertThat(Json.read(db.row("select params from jobs where id = ?", job.id()).get(0).toString(), Map.class))
                .containsEntry("step", "delete").containsEntry("token", "secret-token").containsEntry("source", "cn1");

        db.inTransaction(driver, sql -> new JobLedger(sql).finish(job, ZoneState.STOPPED, null, null));
        assertThat(db.row("select params from jobs where id = ?", job.id()).get(0).toString()).doesNotContain("secret-token");
        var audit = db.row("select action, success, params from audit where machine_id = ?", machine);
        assertThat(audit.subList(0, 2)).containsExactly("migrate", true);
        assertThat(audit.get(2).toString()).contains("\"target\":\"cn2\"").doesNotContain("secret-token").doesNotContain("10.0.0.1:7777");
        assertThat(db.row("select params from jobs where id = ?", job.id()).get(0).toString()).as("the operator's record keeps it")
                .contains("10.0.0.1:7777");

        // a finished job moves nothing any more
        assertThat(db.<Boolean>inTransaction(driver, sql -> new JobLedger(sql).moveMachine(job.id(), machine, "cn9", Map.of()))).isFalse();
        assertThat(db.row("select compute_node from machines where id = ?", machine)).containsExactly("cn2");
    }
}
