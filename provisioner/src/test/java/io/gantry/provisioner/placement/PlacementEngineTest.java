package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.deadNode;
import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static io.gantry.provisioner.placement.Fixtures.request;
import static io.gantry.provisioner.placement.Fixtures.requestWithTraits;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.coord.NodeCapacity;
import io.gantry.common.limits.OverprovisionRatios;
import io.gantry.provisioner.placement.PlacementDecision.NoFit;
import io.gantry.provisioner.placement.PlacementDecision.Placed;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {
    private final ClusterState cluster = new ClusterState();

    private PlacementEngine engine(Strategy strategy) {
        return engine(strategy, OverprovisionRatios.NONE, 0);
    }

    private PlacementEngine engine(Strategy strategy, OverprovisionRatios ratios, int limit) {
        return new PlacementEngine(cluster, new PlacementPolicy(ratios, strategy, limit), new SplittableRandom(42));
    }

    private static String placedOn(PlacementDecision d) {
        assertThat(d).isInstanceOf(Placed.class);
        return ((Placed) d).node();
    }

    private static NoFit noFit(PlacementDecision d) {
        assertThat(d).isInstanceOf(NoFit.class);
        return (NoFit) d;
    }

    private void nodes(int count, long memoryMiB) {
        for (int i = 0; i < count; i++) {
            cluster.upsertNode(node("n" + i, memoryMiB, memoryMiB * 100));
        }
    }

    @Test
    void placementBooksTheMachineBeforeReturning() {
        nodes(3, 8192);
        PlacementRequest req = request("t", "m", 1024, 2048);
        String node = placedOn(engine(Strategy.SPREAD).place(req));
        assertThat(cluster.nodeOf(req.machine())).contains(node);
        assertThat(cluster.usage(node)).isEqualTo(new NodeUsage(1024, 2048, 1));
    }

    @Test
    void packChoosesTheFullestNodeThatFits() {
        nodes(4, 8192);
        cluster.book("n1", machine("other", "a", 4096));
        cluster.book("n2", machine("other", "b", 7168)); // fullest, but 1024 free only
        cluster.book("n3", machine("other", "c", 2048));
        assertThat(placedOn(engine(Strategy.PACK, OverprovisionRatios.NONE, 10).place(request("t", "m", 2048, 10))))
                .isEqualTo("n1");
    }

    @Test
    void spreadChoosesTheEmptiestNode() {
        nodes(4, 8192);
        cluster.book("n0", machine("other", "a", 4096));
        cluster.book("n1", machine("other", "b", 1024));
        cluster.book("n3", machine("other", "c", 2048));
        assertThat(placedOn(engine(Strategy.SPREAD, OverprovisionRatios.NONE, 10).place(request("t", "m", 1024, 10))))
                .isEqualTo("n2");
    }

    @Test
    void spreadFillsEqualNodesEvenly() {
        nodes(8, 8192);
        PlacementEngine engine = engine(Strategy.SPREAD, OverprovisionRatios.NONE, 8);
        for (int i = 0; i < 16; i++) {
            placedOn(engine.place(request("t" + i, "m", 1024, 10)));
        }
        for (int i = 0; i < 8; i++) {
            assertThat(cluster.usage("n" + i).machines()).isEqualTo(2);
        }
    }

    @Test
    void requiredTraitsNarrowTheChoice() {
        nodes(20, 8192);
        cluster.upsertNode(node("gpu", 8192, 819200, Map.of("gpu", "a100")));
        PlacementEngine engine = engine(Strategy.SPREAD);
        for (int i = 0; i < 5; i++) {
            assertThat(placedOn(engine.place(requestWithTraits("t", 1024, Map.of("gpu", "a100"))))).isEqualTo("gpu");
        }
    }

    @Test
    void hardAffinityFindsTheNodeOfTheNamedMachineAmongThousands() {
        nodes(2000, 65536);
        cluster.book("n1234", machine("acme", "db1", 1024));
        cluster.book("n77", machine("globex", "db1", 1024)); // same name, other tenant: not it
        PlacementEngine engine = engine(Strategy.SPREAD);
        assertThat(placedOn(engine.place(request("acme", "web1", 1024, "instance==db1")))).isEqualTo("n1234");
        assertThat(placedOn(engine.place(request("acme", "web2", 1024, "container==db*")))).isEqualTo("n1234");
        assertThat(placedOn(engine.place(request("globex", "web1", 1024, "instance==db1")))).isEqualTo("n77");
    }

    @Test
    void hardTagAffinityGoesWhereTheTaggedMachinesAre() {
        nodes(100, 65536);
        cluster.book("n42", machine("acme", "x", Map.of("role", "db"), 1024));
        assertThat(placedOn(engine(Strategy.PACK).place(request("acme", "y", 1024, "role==db")))).isEqualTo("n42");
    }

    @Test
    void hardAntiAffinityKeepsSiblingsApart() {
        nodes(5, 65536);
        PlacementEngine engine = engine(Strategy.PACK, OverprovisionRatios.NONE, 5);
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            used.add(placedOn(engine.place(request("acme", "db" + i, 1024, "instance!=db*"))));
        }
        assertThat(used).hasSize(5);
        NoFit sixth = noFit(engine.place(request("acme", "db5", 1024, "instance!=db*")));
        assertThat(sixth.reason()).isEqualTo("no node satisfies affinity rule instance!=db*");
        assertThat(sixth.rejectedBy()).containsEntry("affinity", 5);
    }

    @Test
    void softAffinityIsFollowedWhenItCanBe() {
        nodes(1000, 65536);
        cluster.book("n500", machine("acme", "cache1", 1024));
        PlacementEngine engine = engine(Strategy.SPREAD);
        assertThat(placedOn(engine.place(request("acme", "web1", 1024, "instance==~cache1")))).isEqualTo("n500");
    }

    @Test
    void softAffinityGivesWayWhenItCannotBeFollowed() {
        nodes(3, 8192);
        cluster.book("n0", machine("acme", "cache1", 8192)); // full
        assertThat(placedOn(engine(Strategy.SPREAD).place(request("acme", "web1", 1024, "instance==~cache1"))))
                .isNotEqualTo("n0");
    }

    @Test
    void softAntiAffinityAvoidsSiblingsButDoesNotRequireIt() {
        nodes(2, 8192);
        PlacementEngine engine = engine(Strategy.PACK, OverprovisionRatios.NONE, 2);
        String first = placedOn(engine.place(request("acme", "web0", 1024, "instance!=~web*")));
        String second = placedOn(engine.place(request("acme", "web1", 1024, "instance!=~web*")));
        assertThat(second).isNotEqualTo(first);
        placedOn(engine.place(request("acme", "web2", 1024, "instance!=~web*"))); // shares a node, but placed
    }

    @Test
    void tenantSpreadPrefersNodesWithFewerOfTheTenantsMachines() {
        nodes(2, 65536);
        cluster.book("n0", machine("acme", "a", 1024));
        cluster.book("n1", machine("globex", "b", 1024));
        cluster.book("n1", machine("globex", "c", 1024));
        // equal in pack terms would favour n1 (fuller); acme has a machine on n0 only
        PlacementEngine engine = engine(Strategy.PACK, OverprovisionRatios.NONE, 2);
        assertThat(placedOn(engine.place(request("acme", "d", 1024, 10)))).isEqualTo("n1");
        assertThat(placedOn(engine(Strategy.SPREAD, OverprovisionRatios.NONE, 2).place(request("globex", "e", 1024, 10))))
                .isEqualTo("n0");
    }

    @Test
    void overprovisionLetsMoreBeBooked() {
        nodes(1, 8192);
        PlacementEngine engine = engine(Strategy.PACK, new OverprovisionRatios(2.0, 1.0), 0);
        for (int i = 0; i < 4; i++) {
            placedOn(engine.place(request("t", "m" + i, 4096, 10)));
        }
        NoFit full = noFit(engine.place(request("t", "m5", 1024, 10)));
        assertThat(full.reason()).isEqualTo("no node has 1024 MiB of memory free; the largest free is 0 MiB");
    }

    @Test
    void noFitSaysHowMuchMemoryTheRoomiestNodeHasFree() {
        nodes(3, 16384);
        cluster.book("n0", machine("t", "a", 8192));
        cluster.book("n1", machine("t", "b", 4096));
        cluster.book("n2", machine("t", "c", 14336));
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("t", "big", 65536, 10)));
        assertThat(no.reason()).isEqualTo("no node has 65536 MiB of memory free; the largest free is 12288 MiB");
        assertThat(no.rejectedBy()).containsExactly(
                Map.entry("excluded", 0), Map.entry("alive", 0), Map.entry("in-service", 0), Map.entry("capacity", 3), Map.entry("cpu", 0),
                Map.entry("traits", 0), Map.entry("affinity", 0));
    }

    @Test
    void noFitMentionsDeadNodesInPassing() {
        nodes(2, 16384);
        cluster.upsertNode(deadNode("down", 1 << 20, 1 << 30));
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("t", "big", 65536, 10)));
        assertThat(no.reason()).isEqualTo(
                "no node has 65536 MiB of memory free; the largest free is 16384 MiB (also: 1 node is not alive)");
        assertThat(no.rejectedBy()).containsEntry("alive", 1).containsEntry("capacity", 2);
    }

    @Test
    void noFitSaysNoNodeIsAlive() {
        cluster.upsertNode(deadNode("a", 8192, 8192));
        cluster.upsertNode(node("b", 8192, 8192));
        cluster.setAlive("b", false);
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("t", "m", 1024, 10)));
        assertThat(no.reason()).isEqualTo("no node is alive");
        assertThat(no.rejectedBy()).containsEntry("alive", 2);
    }

    @Test
    void nodesInMaintenanceOrRetiredTakeNoNewMachinesButKeepTheirBookings() {
        nodes(3, 16384);
        cluster.book("n0", machine("t", "kept", 1024));
        cluster.setClosed(Map.of("n0", "in maintenance", "n1", "retired"));
        PlacementEngine engine = engine(Strategy.PACK);
        for (int i = 0; i < 5; i++) {
            assertThat(engine.place(request("t", "m" + i, 1024, 10))).isInstanceOfSatisfying(PlacementDecision.Placed.class,
                    placed -> assertThat(placed.node()).isEqualTo("n2"));
        }
        assertThat(cluster.machinesOn("n0")).extracting(PlacedMachine::name).containsExactly("kept");

        cluster.setClosed(Map.of("n0", "in maintenance", "n1", "retired", "n2", "in maintenance"));
        NoFit no = noFit(engine.place(request("t", "late", 1024, 10)));
        assertThat(no.reason()).isEqualTo("no node is in service (every one is in maintenance or retired)");
        assertThat(no.rejectedBy()).containsEntry("in-service", 3);

        cluster.setClosed(Map.of());
        assertThat(engine.place(request("t", "back", 1024, 10))).isInstanceOf(PlacementDecision.Placed.class);
    }

    @Test
    void aNodesNewAdvertKeepsItClosed() {
        cluster.setClosed(Map.of("n0", "in maintenance"));
        cluster.upsertNode(node("n0", 16384, 16384)); // first seen after the operator closed it
        assertThat(cluster.node("n0").orElseThrow().closed()).isEqualTo("in maintenance");
        cluster.upsertNode(node("n0", 32768, 16384)); // a new advert
        assertThat(cluster.node("n0").orElseThrow().closed()).isEqualTo("in maintenance");
        assertThat(cluster.node("n0").orElseThrow().capacity().memoryMiB()).isEqualTo(32768);
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("t", "m", 1024, 10)));
        assertThat(no.reason()).isEqualTo("no node is in service (every one is in maintenance or retired)");
    }

    @Test
    void noFitOnAnEmptyCluster() {
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("t", "m", 1024, 10)));
        assertThat(no.reason()).isEqualTo("there are no compute nodes to place on");
        assertThat(no.rejectedBy()).containsOnlyKeys("excluded", "alive", "in-service", "capacity", "cpu", "traits", "affinity");
    }

    @Test
    void noFitNamesTheAffinityRuleNoNodeSatisfies() {
        nodes(50, 65536);
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("acme", "web", 1024, "instance==db1")));
        assertThat(no.reason()).isEqualTo("no node satisfies affinity rule instance==db1");
        assertThat(no.rejectedBy()).containsEntry("affinity", 50);
    }

    @Test
    void noFitWhenTheAffinityTargetsNodeIsFullSaysHowMuchIsFreeThere() {
        nodes(10, 8192);
        cluster.book("n3", machine("acme", "db1", 7168));
        NoFit no = noFit(engine(Strategy.SPREAD).place(request("acme", "web", 2048, "instance==db1")));
        assertThat(no.reason()).isEqualTo("no node satisfies affinity rule instance==db1 "
                + "(also: 1 node has less than 2048 MiB of memory free; the largest free is 1024 MiB)");
        assertThat(no.rejectedBy()).containsEntry("capacity", 1).containsEntry("affinity", 9);
    }

    @Test
    void noFitForTraitsNamesThem() {
        nodes(5, 8192);
        NoFit no = noFit(engine(Strategy.SPREAD).place(requestWithTraits("t", 1024, Map.of("gpu", "a100"))));
        assertThat(no.reason()).isEqualTo("no node has the required trait gpu=a100");
    }

    @Test
    void placingAMachineThatIsAlreadyBookedReturnsItsNodeWithoutBookingAgain() {
        nodes(10, 8192);
        PlacementEngine engine = engine(Strategy.SPREAD);
        PlacementRequest req = request("t", "m", 1024, 10);
        String node = placedOn(engine.place(req));
        assertThat(placedOn(engine.place(req))).isEqualTo(node);
        assertThat(cluster.usage(node).machines()).isEqualTo(1);
    }

    @Test
    void releasingMakesRoomAgain() {
        nodes(1, 8192);
        PlacementEngine engine = engine(Strategy.PACK);
        PlacementRequest first = request("t", "a", 8192, 10);
        placedOn(engine.place(first));
        noFit(engine.place(request("t", "b", 8192, 10)));
        assertThat(cluster.release(first.machine())).isTrue();
        placedOn(engine.place(request("t", "b", 8192, 10)));
    }

    @Test
    void resizeGrowsOnlyWithinFreeCapacityAndAlwaysShrinks() {
        nodes(1, 8192);
        PlacementEngine engine = engine(Strategy.PACK);
        PlacementRequest req = request("t", "a", 4096, 10);
        placedOn(engine.place(req));
        cluster.book("n0", machine("t", "b", 2048));
        assertThat(engine.resize(req.machine(), 6144, 10, 0)).isTrue();
        assertThat(engine.resize(req.machine(), 6145, 10, 0)).isFalse();
        assertThat(cluster.usage("n0").memoryMiB()).isEqualTo(8192);
        assertThat(engine.resize(req.machine(), 1024, 10, 0)).isTrue();
        assertThat(cluster.usage("n0").memoryMiB()).isEqualTo(3072);
    }

    @Test
    void aBoundedLookSpreadsPackedMachinesOverManyNodesInsteadOfOneGlobalBest() {
        // With a full scan PACK would put every machine on the single fullest node until it is full; with a
        // bounded random look (log2(N) = 10 feasible nodes of 1024) it cannot see that node most of the time.
        nodes(1024, 1 << 20);
        cluster.book("n0", machine("other", "hot", (1 << 20) - 65536));
        PlacementEngine engine = engine(Strategy.PACK);
        Map<String, Integer> perNode = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            perNode.merge(placedOn(engine.place(request("t" + i, "m", 1024, 10))), 1, Integer::sum);
        }
        assertThat(perNode.getOrDefault("n0", 0)).isLessThan(32);
        assertThat(perNode.size()).isGreaterThan(1);
    }

    @Test
    void placeOnBooksOnTheNamedNodeOrSaysWhyNot() {
        nodes(3, 8192);
        PlacementEngine engine = engine(Strategy.SPREAD);
        assertThat(placedOn(engine.placeOn("n2", request("t", "a", 6144, 10)))).isEqualTo("n2");
        NoFit no = noFit(engine.placeOn("n2", request("t", "b", 4096, 10)));
        assertThat(no.reason()).isEqualTo("node n2 cannot take the machine: only 2048 MiB of memory free, 4096 MiB needed");
        assertThat(no.rejectedBy()).containsEntry("capacity", 1);
        assertThat(noFit(engine.placeOn("n9", request("t", "c", 1, 1))).reason()).isEqualTo("there is no node named n9");
    }

    @Test
    void removedNodesAreNotPlacedOn() {
        nodes(3, 8192);
        cluster.removeNode("n1");
        PlacementEngine engine = engine(Strategy.SPREAD);
        for (int i = 0; i < 20; i++) {
            assertThat(placedOn(engine.place(request("t", "m" + i, 256, 10)))).isNotEqualTo("n1");
        }
        assertThat(cluster.nodes()).extracting(NodeInfo::name).containsExactly("n0", "n2");
    }

    @Test
    void vcpusAreBookedUpToTheNodesCpusTimesTheCpuRatio() {
        cluster.upsertNode(new NodeInfo("n0", new NodeCapacity(65536, 655360, 2), Map.of(), true));
        PlacementEngine engine = engine(Strategy.PACK, new OverprovisionRatios(1.0, 1.0, 2.0), 0);
        for (int i = 0; i < 2; i++) {
            assertThat(placedOn(engine.place(vcpuRequest("m" + i, 2)))).isEqualTo("n0");
        }
        assertThat(cluster.usage("n0").vcpus()).isEqualTo(4);
        NoFit no = noFit(engine.place(vcpuRequest("m2", 1)));
        assertThat(no.reason()).isEqualTo("no node has 1 vCPUs free; the most free is 0");
        assertThat(no.rejectedBy()).containsEntry("cpu", 1).containsEntry("capacity", 0);
        assertThat(no.explained()).endsWith("(nodes rejected: cpu 1)");
    }

    @Test
    void aResizeGrowsVcpusOnlyWithinTheNodesCpusTimesTheRatio() {
        cluster.upsertNode(new NodeInfo("n0", new NodeCapacity(65536, 655360, 2), Map.of(), true));
        PlacementEngine engine = engine(Strategy.PACK, new OverprovisionRatios(1.0, 1.0, 2.0), 0);
        PlacementRequest a = vcpuRequest("a", 1);
        placedOn(engine.place(a));
        placedOn(engine.place(vcpuRequest("b", 2)));

        assertThat(engine.resize(a.machine(), 128, 128, 3)).as("one vCPU more than the node's 2 CPUs").isFalse();
        assertThat(engine.resize(a.machine(), 128, 128, 2)).isTrue();
        assertThat(cluster.usage("n0").vcpus()).isEqualTo(4);
        placedOn(engine.place(vcpuRequest("c", 0)));
        assertThat(engine.resize(a.machine(), 256, 128, 2)).as("memory grows, vCPUs stay within 2 × 2").isTrue();
        assertThat(engine.resize(a.machine(), 256, 128, 1)).isTrue();
        assertThat(cluster.usage("n0").vcpus()).isEqualTo(3);
    }

    @Test
    void aPlacementKeepsEachScorersScoreOfTheChosenNode() {
        nodes(4, 8192);
        cluster.book("n0", machine("t", "a", 4096));
        Placed placed = (Placed) engine(Strategy.SPREAD, OverprovisionRatios.NONE, 0).place(request("t", "b", 2048, 10));
        assertThat(placed.node()).isNotEqualTo("n0");
        assertThat(placed.scores()).containsOnlyKeys("soft-affinity", "spread", "tenant-spread", "random-tiebreak");
        assertThat(placed.scores().get("spread")).isEqualTo(0.75); // 2048 of 8192 MiB booked once it is there
        assertThat(placed.nodesFeasible()).isEqualTo(2); // the automatic limit for 4 nodes
        assertThat(placed.nodesEvaluated()).isBetween(2, 4);
        assertThat(placed.score()).isCloseTo(2 * 0.75 + placed.scores().get("tenant-spread")
                + 1e-9 * placed.scores().get("random-tiebreak"), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(placed.breakdown()).containsEntry("node", placed.node()).containsEntry("nodes_feasible", 2)
                .containsKeys("scores", "score", "nodes_evaluated");
    }

    @Test
    void aMachineAlreadyBookedComesBackWithoutABreakdown() {
        nodes(2, 8192);
        PlacementRequest req = request("t", "a", 1024, 10);
        PlacementEngine engine = engine(Strategy.SPREAD);
        placedOn(engine.place(req));
        Placed again = (Placed) engine.place(req);
        assertThat(again.scores()).isEmpty();
        assertThat(again.nodesEvaluated()).isZero();
    }

    private static PlacementRequest vcpuRequest(String name, int vcpus) {
        return new PlacementRequest(java.util.UUID.randomUUID(), "t", name, Map.of(), 128, 128, vcpus,
                io.gantry.common.RequiredTraits.NONE, java.util.List.of());
    }
}
