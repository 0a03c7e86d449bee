package io.gantry.provisioner.placement;

import static io.gantry.provisioner.placement.Fixtures.machine;
import static io.gantry.provisioner.placement.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClusterStateTest {
    private final ClusterState cluster = new ClusterState();

    ClusterStateTest() {
        cluster.upsertNode(node("n1", 8192, 81920));
        cluster.upsertNode(node("n2", 8192, 81920));
    }

    @Test
    void bookingAddsUpPerNode() {
        cluster.book("n1", machine("t", "a", 1024));
        cluster.book("n1", machine("t", "b", 2048));
        assertThat(cluster.usage("n1")).isEqualTo(new NodeUsage(3072, 30720, 2));
        assertThat(cluster.usage("n2")).isEqualTo(new NodeUsage(0, 0, 0));
    }

    @Test
    void bookingTheSameMachineAgainIsIdempotentAndOnAnotherNodeMovesIt() {
        PlacedMachine m = machine("t", "a", 1024);
        cluster.book("n1", m);
        cluster.book("n1", m);
        assertThat(cluster.usage("n1").machines()).isEqualTo(1);
        cluster.book("n2", m);
        assertThat(cluster.usage("n1")).isEqualTo(new NodeUsage(0, 0, 0));
        assertThat(cluster.usage("n2").memoryMiB()).isEqualTo(1024);
        assertThat(cluster.nodeOf(m.id())).contains("n2");
    }

    @Test
    void releaseUnbooksWhereverItIsAndIsFalseForUnknownMachines() {
        PlacedMachine m = machine("t", "a", 1024);
        cluster.book("n2", m);
        assertThat(cluster.release(m.id())).isTrue();
        assertThat(cluster.release(m.id())).isFalse();
        assertThat(cluster.release(UUID.randomUUID())).isFalse();
        assertThat(cluster.usage("n2").machines()).isZero();
        assertThat(cluster.nodeOf(m.id())).isEmpty();
    }

    @Test
    void resizeChangesTheBookedSize() {
        PlacedMachine m = machine("t", "a", 1024);
        cluster.book("n1", m);
        cluster.resize(m.id(), 4096, 100, 0);
        assertThat(cluster.usage("n1")).isEqualTo(new NodeUsage(4096, 100, 1));
        assertThat(cluster.machinesOn("n1")).singleElement().extracting(PlacedMachine::memoryMiB).isEqualTo(4096L);
        assertThatThrownBy(() -> cluster.resize(UUID.randomUUID(), 1, 1, 1))
                .isInstanceOf(GantryException.class)
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound);
    }

    @Test
    void updatingANodeOrItsAliveFlagKeepsItsBookings() {
        cluster.book("n1", machine("t", "a", 1024));
        cluster.setAlive("n1", false);
        assertThat(cluster.node("n1")).get().extracting(NodeInfo::alive).isEqualTo(false);
        cluster.upsertNode(node("n1", 16384, 81920));
        assertThat(cluster.usage("n1").memoryMiB()).isEqualTo(1024);
        assertThat(cluster.nodes()).extracting(NodeInfo::name).containsExactly("n1", "n2");
        assertThat(cluster.node("n1")).get().extracting(n -> n.capacity().memoryMiB()).isEqualTo(16384L);
    }

    @Test
    void removingANodeForgetsItAndItsBookings() {
        PlacedMachine m = machine("t", "a", 1024);
        cluster.book("n1", m);
        cluster.removeNode("n1");
        assertThat(cluster.nodes()).extracting(NodeInfo::name).containsExactly("n2");
        assertThat(cluster.nodeOf(m.id())).isEmpty();
        assertThat(cluster.release(m.id())).isFalse();
        assertThatThrownBy(() -> cluster.usage("n1")).isInstanceOf(GantryException.class).hasMessageContaining("n1");
        cluster.removeNode("n1"); // unknown: ignored
    }

    @Test
    void unknownNodesAreResourceNotFound() {
        assertThatThrownBy(() -> cluster.book("nope", machine("t", "a", 1)))
                .isInstanceOf(GantryException.class)
                .extracting(e -> ((GantryException) e).code()).isEqualTo(ErrorCode.ResourceNotFound);
        assertThatThrownBy(() -> cluster.setAlive("nope", true)).isInstanceOf(GantryException.class);
    }
}
