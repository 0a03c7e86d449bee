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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The control plane end to end in one JVM: the real cloud API on a real (embedded) PostgreSQL, real
 * provisioners electing a leader in a real (embedded) ZooKeeper, and agents taking tasks from it,
 * all driven through the signed HTTP API as a tenant would.
 *
 * <p>The agents' zones are SIMULATED ({@code SimulatedZoneBackend}, in memory, counted by
 * {@link CountingZoneBackend}): nothing is isolated and nothing runs. This class proves
 * coordination (placement, dispatch, failover, session loss, admission, deletion), never isolation
 * or resource caps.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ControlPlaneTest extends WithControlPlane {
    @Test
    void threeAgentsSpreadMachinesAcrossNodes() throws Exception {
        List<Agent> agents = List.of(agent("cn1", 8192), agent("cn2", 8192), agent("cn3", 8192));
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("spread");

        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(create(tenant, "web" + i, plane.smallPackage));
        }
        Map<UUID, Map<String, Object>> seen = new HashMap<>();
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                var m = tenant.get("/my/machines/" + id);
                assertThat(m.state()).as("machine %s", id).isEqualTo("running");
                seen.put(id, m.json());
            }
        });

        Map<String, Set<UUID>> byNode = seen.entrySet().stream().collect(Collectors.groupingBy(
                e -> String.valueOf(e.getValue().get("compute_node")), Collectors.mapping(Map.Entry::getKey, Collectors.toSet())));
        assertThat(byNode).as("machines per node").containsOnlyKeys("cn1", "cn2", "cn3");
        assertThat(byNode.values()).as("equal nodes, spread: two each").allSatisfy(on -> assertThat(on).hasSize(2));
        for (Agent agent : agents) {
            assertThat(agent.backend().list()).as("zones on %s", agent.node())
                    .extracting(Zone::uuid).containsExactlyInAnyOrderElementsOf(byNode.get(agent.node()));
            assertThat(agent.backend().list()).extracting(Zone::state).containsOnly(ZoneState.RUNNING);
        }
        for (Map<String, Object> m : seen.values()) {
            assertThat((List<?>) m.get("ips")).as("a running machine has its address").hasSize(1);
        }
        assertThat(seen.values().stream().map(m -> m.get("primaryIp")).collect(Collectors.toSet()))
                .as("one tenant's machines on three nodes: distinct addresses of its default fabric, allocated by the control plane")
                .hasSize(seen.size()).allMatch(ip -> String.valueOf(ip).startsWith("192.168.128."));
    }

    @ParameterizedTest(name = "crash after {0}")
    @ValueSource(strings = {"placed", "task-written"})
    void leaderFailoverMidPlacementFinishesTheJobOnce(String crashAfter) throws Exception {
        Agent cn1 = agent("cn1", 8192);
        AtomicReference<String> crashed = new AtomicReference<>();
        CuratorFramework c1 = plane.client();
        CuratorFramework c2 = plane.client();
        Provisioner p1 = plane.provisioner("p1", Strategy.SPREAD, LeaderCrash.once(crashAfter, "p1", c1, crashed), c1);
        Provisioner p2 = plane.provisioner("p2", Strategy.SPREAD, LeaderCrash.once(crashAfter, "p2", c2, crashed), c2);
        Poll.until(SETTLE, () -> assertThat(p1.isLeader() || p2.isLeader()).as("someone leads").isTrue());
        SignedClient tenant = plane.account("failover");

        UUID id = create(tenant, "survivor", plane.smallPackage);
        Poll.until(SETTLE, () -> assertThat(crashed.get()).as("the first leader crashed").isNotNull());
        Provisioner survivor = crashed.get().equals("p1") ? p2 : p1;
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));

        assertThat(survivor.isLeader()).as("%s took over", survivor.id()).isTrue();
        assertThat(cn1.backend().creates(id)).as("creates of the machine's zone on the node").isEqualTo(1);
        assertThat(cn1.backend().find(id)).get().extracting(Zone::state).isEqualTo(ZoneState.RUNNING);
        assertThat(plane.jobState(id, "provision")).isEqualTo("succeeded");
        assertThat(plane.jobCount(id)).as("one job for one create").isEqualTo(1);
        assertThat(tenant.get("/my/machines/" + id).json().get("compute_node")).isEqualTo("cn1");
        // the task is consumed: nothing is left to be done again (for results left behind see
        // aTaskRedeliveredAfterFailoverLeavesNoResultBehind)
        CuratorFramework look = plane.client();
        Poll.until(SETTLE, () -> assertThat(look.getChildren().forPath(ZkPaths.tasks("cn1"))).as("tasks left").isEmpty());
    }

    /**
     * The leader crashes right after writing a task; the node does it and answers before the next leader
     * looks. The new leader writes the task again (it cannot tell), then collects the first answer and
     * finishes the job. The node, slower this time, answers the repeated task from its record of finished
     * tasks; nobody collects that answer.
     */
    @Test
    void aTaskRedeliveredAfterFailoverLeavesNoResultBehind() throws Exception {
        ZkProxy link = plane.closeLater(new ZkProxy(fixture.zkPort()));
        Agent cn1 = plane.agent("cn1", 8192, stateDirs.resolve("cn1"), Duration.ofMillis(500), link.connectString());
        AtomicReference<String> crashed = new AtomicReference<>();
        CuratorFramework c1 = plane.client();
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderCrash.once("task-written", "p1", c1, crashed), c1));
        SignedClient tenant = plane.account("redelivered");
        CuratorFramework look = plane.client();

        UUID id = create(tenant, "answered-twice", plane.smallPackage);
        Poll.until(SETTLE, () -> {
            assertThat(crashed.get()).isEqualTo("p1");
            assertThat(look.getChildren().forPath(ZkPaths.tasks("cn1"))).as("the node took the task").isEmpty();
            assertThat(look.getChildren().forPath(ZkPaths.results("cn1"))).as("and answered").hasSize(1);
        });
        link.delay(100); // the node is slow from now on: a few round trips take longer than the new leader's collect
        plane.provisioner("p2", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        assertThat(plane.jobState(id, "provision")).isEqualTo("succeeded");
        Poll.until(SETTLE, () -> assertThat(look.getChildren().forPath(ZkPaths.tasks("cn1"))).as("tasks left").isEmpty());
        assertThat(cn1.backend().creates(id)).isEqualTo(1);
        // the node deletes the task and writes its answer in one transaction: the answer is there (or never will be)
        assertThat(look.getChildren().forPath(ZkPaths.results("cn1"))).as("results nobody will collect").isEmpty();
    }

    /**
     * The leader dies after finishing a job in the record but before it removes the node's answer (as a
     * `gantry dev` killed with SIGKILL can): the next leader removes that answer, which nobody would read.
     */
    @Test
    void anAnswerTheDeadLeaderCollectedButDidNotRemoveIsRemovedByTheNext() throws Exception {
        Agent cn1 = agent("cn1", 8192);
        AtomicReference<String> crashed = new AtomicReference<>();
        CuratorFramework c1 = plane.client();
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderCrash.once("finished", "p1", c1, crashed), c1));
        SignedClient tenant = plane.account("collected");
        CuratorFramework look = plane.client();

        UUID id = create(tenant, "finished-then-crashed", plane.smallPackage);
        Poll.until(SETTLE, () -> {
            assertThat(crashed.get()).isEqualTo("p1");
            assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running");
        });
        assertThat(look.getChildren().forPath(ZkPaths.results("cn1"))).as("the dead leader's collected answer").hasSize(1);
        plane.provisioner("p2", Strategy.SPREAD, LeaderLoop.StepHook.NONE);
        Poll.until(SETTLE, () -> assertThat(look.getChildren().forPath(ZkPaths.results("cn1"))).as("results nobody will collect").isEmpty());
        assertThat(plane.jobState(id, "provision")).isEqualTo("succeeded");
        assertThat(cn1.backend().creates(id)).isEqualTo(1);
    }

    /**
     * An operator disables an account while its machine's provision is out on the node (the leader held after
     * dispatch): the disable finds nothing running to stop, and the provision's end, seeing the account disabled,
     * queues the stop in its own transaction, so the machine ends stopped, not running. Simulated zones: this proves
     * the ordering of the record's writes, not what runc does.
     */
    @Test
    void aMachineStillProvisioningWhenItsAccountIsDisabledEndsStopped() throws Exception {
        Agent cn1 = agent("cn1", 8192);
        CountDownLatch dispatched = new CountDownLatch(1);
        CountDownLatch disabled = new CountDownLatch(1);
        leading(plane.provisioner("p1", Strategy.SPREAD, (job, step) -> {
            if (step.equals("dispatched") && dispatched.getCount() > 0) {
                dispatched.countDown();
                try {
                    disabled.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        SignedClient tenant = plane.account("late");
        java.nio.file.Path operatorKey = plane.operator("boss", stateDirs.resolve("keys"));

        UUID id = create(tenant, "late-1", plane.smallPackage);
        assertThat(dispatched.await(SETTLE.toMillis(), TimeUnit.MILLISECONDS)).as("the provision reached the node").isTrue();
        Poll.until(SETTLE, () -> assertThat(cn1.backend().find(id)).as("the node ran the provision").get()
                .extracting(Zone::state).isEqualTo(ZoneState.RUNNING));
        GantryRun disable = GantryRun.of(List.of("account", "disable", "late", "--operator", "boss", "--operator-key", operatorKey.toString(),
                "--cloudapi-url", plane.url()));
        assertThat(disable.exit()).as(disable.toString()).isZero();
        assertThat(plane.machineState(id)).as("still provisioning: the disable had nothing running to stop").isEqualTo("provisioning");
        disabled.countDown();

        Poll.until(SETTLE, () -> assertThat(plane.machineState(id)).isEqualTo("stopped"));
        assertThat(cn1.backend().find(id)).get().extracting(Zone::state).isEqualTo(ZoneState.STOPPED);
        var jobs = plane.jobs(id);
        assertThat(jobs).extracting(j -> j.subList(0, 2)).containsExactly(List.of("provision", "succeeded"), List.of("stop", "succeeded"));
        assertThat(jobs.get(1).get(2)).isEqualTo("account disabled");
        assertThat(tenant.get("/my/machines/" + id).status()).as("the account's calls stay refused").isEqualTo(403);
    }

    @Test
    void nodeWhoseSessionExpiresShowsUnknownAndItsReportRestoresTheTruth() throws Exception {
        ZkProxy link = plane.closeLater(new ZkProxy(fixture.zkPort())); // closed after the agent that uses it
        // the agent reports at start, after each task and after a reconnect, but not every 500 ms: a report
        // written after the new session can only come from the reconnect
        Agent cn1 = plane.agent("cn1", 8192, stateDirs.resolve("cn1"), Duration.ofHours(1), link.connectString());
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("partitioned");
        UUID id = create(tenant, "steady", plane.smallPackage);
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        CuratorFramework look = plane.client();
        Stat before = new Stat();
        Poll.until(SETTLE, () -> assertThat(new String(look.getData().storingStatIn(before).forPath(ZkPaths.report("cn1")),
                StandardCharsets.UTF_8)).as("the report after the create").contains(id.toString()));
        long sessionBefore = cn1.client().getZookeeperClient().getZooKeeper().getSessionId();

        link.cut(); // the node is cut off, and stays so while we look
        fixture.expireSession(cn1.client());
        Poll.until(Duration.ofSeconds(5), () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("unknown"));
        assertThat(look.checkExists().forPath(ZkPaths.alive("cn1"))).as("the node's advert went with its session").isNull();
        assertThat(cn1.backend().find(id)).as("the zone itself never stopped").get().extracting(Zone::state)
                .isEqualTo(ZoneState.RUNNING);

        link.restore(); // Curator gets a new session, PersistentNode advertises again, the reporter reports again
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        assertThat(cn1.client().getZookeeperClient().getZooKeeper().getSessionId()).as("a new session").isNotEqualTo(sessionBefore);
        assertThat(look.checkExists().forPath(ZkPaths.alive("cn1"))).as("advertised again").isNotNull();
        Poll.until(Duration.ofSeconds(5), () -> assertThat(look.checkExists().forPath(ZkPaths.report("cn1")).getVersion())
                .as("the report was written again after the reconnect").isGreaterThan(before.getVersion()));
        assertThat(cn1.backend().creates(id)).isEqualTo(1);
    }

    @Test
    void nothingFitsGivesAReasonTheTenantCanActOn() throws Exception {
        Agent cn1 = agent("cn1", 1024);
        Agent cn2 = agent("cn2", 1024);
        plane.pkg("big-2G", 2048, 4096);
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("toobig");

        UUID id = create(tenant, "whale", "big-2G");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("failed"));
        Map<String, Object> m = tenant.get("/my/machines/" + id).json();
        assertThat(String.valueOf(m.get("error"))).contains("largest free is").contains("2048 MiB").contains("1024 MiB")
                .endsWith("(nodes rejected: capacity 2)");
        assertThat(m.get("compute_node")).isNull();
        assertThat(plane.jobState(id, "provision")).isEqualTo("failed");
        assertThat(cn1.backend().list()).isEmpty();
        assertThat(cn2.backend().list()).isEmpty();
    }

    @Test
    void resizeBeyondTheNodesRoomFailsAndKeepsTheOldPackage() throws Exception {
        Agent cn1 = agent("cn1", 1024);
        plane.pkg("half-512M", 512, 1024);
        plane.pkg("double-2G", 2048, 1024);
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("grower");

        UUID id = create(tenant, "g1", "half-512M");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + id).state()).isEqualTo("running"));
        var resize = tenant.post("/my/machines/" + id + "?action=resize&package=double-2G", null);
        assertThat(resize.status()).as(resize.body()).isEqualTo(202);
        Poll.until(SETTLE, () -> assertThat(plane.jobState(id, "resize")).isEqualTo("failed"));
        Map<String, Object> m = tenant.get("/my/machines/" + id).json();
        assertThat(m).containsEntry("package", "half-512M").containsEntry("state", "running");
        assertThat(m.get("memory")).isEqualTo(512);
        assertThat(String.valueOf(m.get("error"))).contains("no room").contains("cn1");
        assertThat(cn1.backend().get(id).pkg().memoryMiB()).as("the zone was never resized").isEqualTo(512);

        UUID second = create(tenant, "g2", "half-512M");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + second).state())
                .as("the failed resize booked nothing: the other half of the node is free").isEqualTo("running"));
    }

    @Test
    void affinityRulesFromTheApiDecideTheNodeAndABadRuleFailsOnlyItsMachine() throws Exception {
        agent("cn1", 8192);
        agent("cn2", 8192);
        SignedClient tenant = plane.account("affine");
        // the API reads rules as the provisioner does and refuses what it could not place by
        var refused = tenant.post("/my/machines", Map.of("name", "odd", "image", plane.image.toString(), "package",
                plane.smallPackage.toString(), "affinity", List.of("instance==/[unclosed/")));
        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(refused.json().get("code")).isEqualTo("InvalidArgument");
        assertThat(String.valueOf(refused.json().get("message"))).contains("affinity rule 'instance==/[unclosed/'");
        // a rule stored before the API checked rules fails its machine alone
        UUID bad = createWith(tenant, Map.of("name", "odd", "affinity", List.of("instance==db1")));
        try (var c = java.sql.DriverManager.getConnection(plane.db.jdbcUrl(), plane.db.user(), plane.db.password());
             var st = c.prepareStatement("update machines set affinity = ? where id = ?")) {
            st.setString(1, "[\"instance==/[unclosed/\"]");
            st.setObject(2, bad);
            assertThat(st.executeUpdate()).isEqualTo(1);
        }
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));

        UUID db = create(tenant, "db1", plane.smallPackage);
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + db).state()).isEqualTo("running"));
        String dbNode = String.valueOf(tenant.get("/my/machines/" + db).json().get("compute_node"));

        UUID near = createWith(tenant, Map.of("name", "near", "affinity", List.of("instance==db1")));
        UUID far = createWith(tenant, Map.of("name", "far", "affinity", List.of("instance!=db1")));
        Poll.until(SETTLE, () -> {
            assertThat(tenant.get("/my/machines/" + near).state()).isEqualTo("running");
            assertThat(tenant.get("/my/machines/" + far).state()).isEqualTo("running");
            assertThat(tenant.get("/my/machines/" + bad).state()).isEqualTo("failed");
        });
        assertThat(tenant.get("/my/machines/" + near).json().get("compute_node")).isEqualTo(dbNode);
        assertThat(tenant.get("/my/machines/" + far).json().get("compute_node")).isNotEqualTo(dbNode);
        assertThat(String.valueOf(tenant.get("/my/machines/" + bad).json().get("error"))).containsIgnoringCase("affinity");
    }

    private UUID createWith(SignedClient tenant, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(plane.machine(String.valueOf(extra.get("name")), plane.smallPackage));
        body.putAll(extra);
        var r = tenant.post("/my/machines", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return UUID.fromString(r.json().get("id").toString());
    }

    @Test
    void concurrentCreatesAgainstLimitsWithProvisionerRunning() throws Exception {
        List<Agent> agents = List.of(agent("cn1", 8192), agent("cn2", 8192));
        leading(plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("burst");
        plane.limit("burst", "count", 5);

        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<SignedClient.Reply> replies = new ArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<SignedClient.Reply>> creates = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String name = "m" + i;
                creates.add(() -> {
                    go.await();
                    return tenant.post("/my/machines", plane.machine(name, plane.smallPackage));
                });
            }
            List<Future<SignedClient.Reply>> futures = new ArrayList<>();
            for (Callable<SignedClient.Reply> c : creates) {
                futures.add(pool.submit(c));
            }
            go.countDown();
            for (Future<SignedClient.Reply> f : futures) {
                replies.add(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        List<SignedClient.Reply> made = replies.stream().filter(r -> r.status() == 201).toList();
        List<SignedClient.Reply> refused = replies.stream().filter(r -> r.status() != 201).toList();
        assertThat(made).as("created").hasSize(5);
        assertThat(refused).as("refused").hasSize(15).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.json().get("code")).isEqualTo("QuotaExceeded");
        });
        List<UUID> ids = made.stream().map(r -> UUID.fromString(r.json().get("id").toString())).toList();
        Poll.until(SETTLE, () -> {
            for (UUID id : ids) {
                assertThat(tenant.get("/my/machines/" + id).state()).as("machine %s", id).isEqualTo("running");
            }
        });
        assertThat(tenant.get("/my/machines").list()).hasSize(5);
        assertThat(agents.stream().flatMap(a -> a.backend().list().stream()).map(Zone::uuid))
                .as("zones on all nodes").containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void deleteFreesCapacityAndTheZone() throws Exception {
        Agent cn1 = agent("cn1", 1024); // room for exactly one 1 GiB machine
        plane.pkg("one-gig", 1024, 1024);
        leading(plane.provisioner("p1", Strategy.PACK, LeaderLoop.StepHook.NONE));
        SignedClient tenant = plane.account("churn");

        UUID first = create(tenant, "first", "one-gig");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + first).state()).isEqualTo("running"));
        assertThat(cn1.backend().find(first)).isPresent();

        assertThat(tenant.delete("/my/machines/" + first).status()).isEqualTo(204);
        Poll.until(SETTLE, () -> {
            var gone = tenant.get("/my/machines/" + first);
            assertThat(gone.status()).as("GET of a deleted machine").isIn(404, 410);
            if (gone.status() == 410) {
                assertThat(gone.state()).isEqualTo("deleted");
            }
        });
        assertThat(cn1.backend().find(first)).as("the zone is gone from the node").isEmpty();
        assertThat(cn1.backend().deletes(first)).isEqualTo(1);
        assertThat(plane.jobState(first, "delete")).isEqualTo("succeeded");
        assertThat(tenant.get("/my/machines").list()).isEmpty();

        // the node's only 1 GiB is free again: the same size fits where it did not while the first one lived
        UUID second = create(tenant, "second", "one-gig");
        Poll.until(SETTLE, () -> assertThat(tenant.get("/my/machines/" + second).state()).isEqualTo("running"));
        assertThat(tenant.get("/my/machines/" + second).json().get("compute_node")).isEqualTo("cn1");
        assertThat(cn1.backend().list()).extracting(Zone::uuid).containsExactly(second);
    }

    /**
     * Jobs queued while no provisioner leads (a failover, a restart) must wait for the new leader to know
     * the nodes. The new leader's link to ZooKeeper is slowed to 50 ms per hop (a remote ensemble), so
     * loading its node cache takes a few hundred ms while the database answers at once.
     */
    @Test
    void aNewLeaderPlacesQueuedJobsOnTheNodesThatAreAlive() throws Exception {
        agent("cn1", 8192);
        agent("cn2", 8192);
        SignedClient tenant = plane.account("backlog");
        UUID id = create(tenant, "waiting", plane.smallPackage); // queued: nobody leads yet
        ZkProxy slow = plane.closeLater(new ZkProxy(fixture.zkPort()));
        CuratorFramework client = plane.client(slow.connectString());
        slow.delay(50);
        plane.provisioner("p1", Strategy.SPREAD, LeaderLoop.StepHook.NONE, client);
        Poll.until(SETTLE, () -> {
            var m = tenant.get("/my/machines/" + id);
            if (m.state().equals("failed")) {
                throw new IllegalStateException("the queued machine failed: " + m.json().get("error"));
            }
            assertThat(m.state()).isEqualTo("running");
        });
    }

    private Agent agent(String node, long memoryMiB) throws Exception {
        return plane.agent(node, memoryMiB, stateDirs.resolve(node));
    }

    private UUID create(SignedClient tenant, String name, String pkg) {
        var r = tenant.post("/my/machines", plane.machine(name, pkg));
        assertThat(r.status()).as("create %s: %s", name, r.body()).isEqualTo(201);
        assertThat(r.state()).isEqualTo("provisioning");
        return UUID.fromString(r.json().get("id").toString());
    }
}
