package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import io.gantry.common.coord.ZkPaths;
import io.gantry.platform.ControlPlaneFixture.Agent;
import io.gantry.provisioner.LeaderLoop;
import io.gantry.provisioner.Provisioner;
import io.gantry.provisioner.placement.Strategy;
import io.gantry.testkit.SignedClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A machine whose delete the API has answered is never placed, unless its provision already reached its node: the
 * delete supersedes a job no node has acted on, so a deleted machine books no room and no zone is made for it. Found
 * by the one-host nemesis run, where tenants' deletes queued behind their creates while the control plane was down.
 *
 * <p>Real cloud API, PostgreSQL and ZooKeeper in the test JVM; the agents run the SIMULATED zone backend
 * ({@link CountingZoneBackend}, zones in memory, counted), so this proves the order of the record's and the nodes'
 * work, not what runc does. Each provisioner's step hook records every step it took ("job step").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeleteBeforePlacementTest extends WithControlPlane {
    private final List<String> steps = new CopyOnWriteArrayList<>();

    @Test
    void machinesDeletedBeforeAnyLeaderPlacedThemAreNeverPlacedAndTheirRoomGoesToTheNextCreates() throws Exception {
        Agent cn1 = agent("cn1", 1024);
        plane.pkg("half-gig", 512, 1024); // cn1 has room for two
        SignedClient tenant = plane.account("hasty");
        List<UUID> deleted = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // no provisioner leads: the creates and the deletes queue
            deleted.add(create(tenant, "gone" + i, "half-gig"));
        }
        for (UUID id : deleted) {
            assertThat(tenant.delete("/my/machines/" + id).status()).as("delete of %s answered", id).isEqualTo(204);
        }

        leading(plane.provisioner("p1", Strategy.PACK, recordingSteps()));

        Poll.until(SETTLE, () -> deleted.forEach(id -> assertThat(plane.machineState(id)).as("machine %s", id).isEqualTo("deleted")));
        for (UUID id : deleted) {
            assertThat(cn1.backend().creates(id)).as("zones made for %s", id).isZero();
            assertThat(cn1.backend().deletes(id)).as("zones deleted for %s: the node was never asked", id).isZero();
            assertThat(plane.jobs(id)).extracting(j -> j.subList(0, 2))
                    .containsExactly(List.of("provision", "failed"), List.of("delete", "succeeded"));
            assertThat(stepsOf(id, "provision")).as("the provision's steps").containsExactly("superseded");
            assertThat(stepsOf(id, "delete")).as("the delete's steps: no node to ask").isEmpty();
            assertThat(plane.query("select compute_node from machines where id = ?", id)).containsExactly(java.util.Arrays.asList((Object) null));
            assertThat(plane.query("select action, success, params from audit where machine_id = ? order by time", id))
                    .extracting(a -> a.subList(0, 2)).containsExactly(List.of("provision", false), List.of("delete", true));
            assertThat(plane.query("select params from audit where machine_id = ? and action = 'provision'", id).get(0).get(0).toString())
                    .contains("deleted before it was placed");
        }

        List<UUID> next = List.of(create(tenant, "next1", "half-gig"), create(tenant, "next2", "half-gig"));
        Poll.until(SETTLE, () -> next.forEach(id -> assertThat(plane.machineState(id)).as("machine %s", id).isEqualTo("running")));
        assertThat(cn1.backend().list()).as("the node's zones: only the live machines'").extracting(Zone::uuid)
                .containsExactlyInAnyOrderElementsOf(next);
    }

    @Test
    void aProvisionPlacedButNotDispatchedWhenItsLeaderDiedGivesItsBookingBackToTheDelete() throws Exception {
        Agent cn1 = agent("cn1", 1024);
        plane.pkg("one-gig", 1024, 1024); // cn1 has room for one
        CuratorFramework c1 = plane.client();
        AtomicReference<String> crashed = new AtomicReference<>();
        leading(plane.provisioner("p1", Strategy.PACK, LeaderCrash.once("placed", "p1", c1, crashed), c1));
        SignedClient tenant = plane.account("placed");

        UUID id = create(tenant, "gone", "one-gig");
        Poll.until(SETTLE, () -> assertThat(crashed.get()).as("p1 crashed once the provision was placed").isEqualTo("p1"));
        assertThat(plane.jobState(id, "provision")).isEqualTo("placed");
        assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);

        leading(plane.provisioner("p2", Strategy.PACK, recordingSteps()));

        Poll.until(SETTLE, () -> assertThat(plane.machineState(id)).isEqualTo("deleted"));
        assertThat(cn1.backend().creates(id)).as("zones made").isZero();
        assertThat(stepsOf(id, "provision")).containsExactly("superseded");
        assertThat(stepsOf(id, "delete")).as("no node to ask").isEmpty();
        assertThat(plane.query("select state, error from jobs where machine_id = ? and action = 'provision'", id).get(0))
                .containsExactly("failed", "deleted before it was dispatched: its booking on node cn1 was released and no zone was made");
        assertThat(plane.client().getChildren().forPath(ZkPaths.tasks("cn1"))).as("tasks on cn1").isEmpty();

        UUID next = create(tenant, "next", "one-gig");
        Poll.until(SETTLE, () -> assertThat(plane.machineState(next)).as("the room the deleted machine was booked").isEqualTo("running"));
        assertThat(cn1.backend().list()).extracting(Zone::uuid).containsExactly(next);
    }

    @Test
    void aProvisionAlreadyOnItsNodeIsCarriedOutAndThenUndoneByTheDelete() throws Exception {
        Agent cn1 = agent("cn1", 1024);
        CountDownLatch dispatched = new CountDownLatch(1);
        CountDownLatch deleteAnswered = new CountDownLatch(1);
        leading(plane.provisioner("p1", Strategy.PACK, (job, step) -> {
            steps.add(job + " " + step);
            if (step.equals("dispatched") && dispatched.getCount() > 0) {
                dispatched.countDown();
                await(deleteAnswered);
            }
        }));
        SignedClient tenant = plane.account("late");

        UUID id = create(tenant, "gone", plane.smallPackage);
        assertThat(dispatched.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS)).as("the provision reached the node").isTrue();
        assertThat(tenant.delete("/my/machines/" + id).status()).isEqualTo(204);
        deleteAnswered.countDown();

        Poll.until(SETTLE, () -> assertThat(plane.machineState(id)).isEqualTo("deleted"));
        assertThat(plane.jobs(id)).extracting(j -> j.subList(0, 2))
                .containsExactly(List.of("provision", "succeeded"), List.of("delete", "succeeded"));
        assertThat(cn1.backend().creates(id)).as("zones made").isEqualTo(1);
        assertThat(cn1.backend().deletes(id)).as("zones deleted").isEqualTo(1);
        assertThat(cn1.backend().find(id)).as("no zone left behind").isEmpty();
        assertThat(stepsOf(id, "provision")).doesNotContain("superseded");
    }

    @Test
    void aResizeOrStartQueuedBehindADeleteDoesNothingForTheDeletedMachine() throws Exception {
        Agent cn1 = agent("cn1", 8192);
        plane.pkg("bigger", 256, 1024);
        Provisioner p1 = leading(plane.provisioner("p1", Strategy.PACK, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("behind");
        UUID running = create(tenant, "running", plane.smallPackage);
        UUID stopped = create(tenant, "stopped", plane.smallPackage);
        Poll.until(SETTLE, () -> List.of(running, stopped).forEach(id -> assertThat(plane.machineState(id)).isEqualTo("running")));
        assertThat(tenant.post("/my/machines/" + stopped + "?action=stop", Map.of()).status()).isEqualTo(202);
        Poll.until(SETTLE, () -> assertThat(plane.machineState(stopped)).isEqualTo("stopped"));
        p1.close(); // nobody leads: what follows queues

        assertThat(tenant.delete("/my/machines/" + running).status()).isEqualTo(204);
        var resize = tenant.post("/my/machines/" + running + "?action=resize&package=bigger", null);
        assertThat(resize.status()).as(resize.body()).isEqualTo(202);
        assertThat(tenant.delete("/my/machines/" + stopped).status()).isEqualTo(204);
        var start = tenant.post("/my/machines/" + stopped + "?action=start", Map.of());
        assertThat(start.status()).as(start.body()).isEqualTo(202);

        leading(plane.provisioner("p2", Strategy.PACK, recordingSteps()));

        Poll.until(SETTLE, () -> List.of(running, stopped).forEach(id -> assertThat(plane.jobs(id)).extracting(j -> j.get(1))
                .as("jobs of %s", id).doesNotContain("queued", "placed", "dispatched")));
        for (var expected : Map.of(running, "resize", stopped, "start").entrySet()) {
            UUID id = expected.getKey();
            String action = expected.getValue();
            assertThat(plane.machineState(id)).as("machine %s", id).isEqualTo("deleted");
            assertThat(plane.query("select state, error from jobs where machine_id = ? and action = ?", id, action).get(0))
                    .containsExactly("failed", "the machine was deleted before this " + action + " reached its node: nothing was done");
            assertThat(stepsOf(id, action)).as("the %s's steps", action).containsExactly("superseded");
            assertThat(cn1.backend().deletes(id)).as("zones deleted").isEqualTo(1);
        }
        assertThat(cn1.backend().list()).as("zones left on cn1").isEmpty();
        assertThat(plane.query("select package_name, resizing_from from machines where id = ?", running).get(0))
                .containsExactly(plane.smallPackage, null);
    }

    private LeaderLoop.StepHook recordingSteps() {
        return (job, step) -> steps.add(job + " " + step);
    }

    /** The steps the provisioners' hooks saw of the machine's {@code action} job, in order. */
    private List<String> stepsOf(UUID machine, String action) {
        String job = plane.query("select id from jobs where machine_id = ? and action = ?", machine, action).get(0).get(0).toString();
        return steps.stream().filter(s -> s.startsWith(job + " ")).map(s -> s.substring(job.length() + 1)).toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Agent agent(String node, long memoryMiB) throws Exception {
        return plane.agent(node, memoryMiB, stateDirs.resolve(node));
    }

    private UUID create(SignedClient tenant, String name, String pkg) {
        var r = tenant.post("/my/machines", plane.machine(name, pkg));
        assertThat(r.status()).as("create %s: %s", name, r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }
}
