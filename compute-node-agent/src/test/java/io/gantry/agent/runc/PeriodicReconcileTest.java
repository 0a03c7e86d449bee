package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.Trace;
import io.gantry.agent.net.TestNics;
import io.gantry.common.Zone;
import io.gantry.common.ZoneState;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's periodic reconcile ({@link RuncZoneBackend#reconcile}, every interval on every node): it reads files
 * only, so an idle node with many zones pays nothing per zone in processes, where the start-up's {@link
 * RuncZoneBackend#recover} wires every zone's network again; it still sees a zone whose init died, and wires the
 * network again when a namespace it depends on went.
 */
class PeriodicReconcileTest extends RealZonesTest {

    @Test
    void anIdleNodeIsReconciledWithoutStartingAProcess() {
        Zone a = create("acme", "idle-a");
        Zone b = create("acme", "idle-b");
        try {
            long before = Trace.commands();
            RuncZoneBackend.Recovery first = backend.reconcile();
            RuncZoneBackend.Recovery second = backend.reconcile();
            assertThat(Trace.commands() - before).as("host commands run by two reconciles of an idle node").isZero();
            assertThat(first.adopted()).contains(a.uuid(), b.uuid());
            assertThat(second.foundStopped()).isEmpty();

            long beforeRecover = Trace.commands();
            backend.recover();
            assertThat(Trace.commands() - beforeRecover).as("what the start-up's recovery runs for the same node, for contrast")
                    .isGreaterThan(2);
        } finally {
            backend.delete(a.uuid());
            backend.delete(b.uuid());
        }
    }

    @ParameterizedTest(name = "by the {0}")
    @ValueSource(strings = {"periodic reconcile", "start-up's recovery"})
    void aZoneWhoseInitDiedIsRecordedStopped(String pass) throws Exception {
        Supplier<RuncZoneBackend.Recovery> next = pass.startsWith("periodic") ? backend::reconcile : backend::recover;
        Zone zone = create("acme", "mortal");
        killInit(zone);
        assertThat(next.get().foundStopped()).containsExactly(zone.uuid());
        assertThat(backend.get(zone.uuid()).state()).isEqualTo(ZoneState.STOPPED);
        assertThat(next.get().foundStopped()).as("told once").isEmpty();
        assertThat(backend.start(zone.uuid()).state()).as("and it starts again").isEqualTo(ZoneState.RUNNING);
        assertThat(next.get().adopted()).contains(zone.uuid());
        backend.delete(zone.uuid());
    }

    @Test
    void aZoneWhoseFabricNamespaceWentIsWiredAgainByTheNextReconcile() {
        Zone zone = create("acme", "rewired");
        try {
            Path zoneNs = Path.of("/run/netns", backend.layout(zone.uuid()).netns());
            String fabricNs = backend.network().fabricNetns(zone.spec().nics().get(0).vni());
            assertThat(pingsGateway(zoneNs)).as("before").isTrue();
            Cmd.check("ip", "netns", "del", fabricNs); // its bridge and the zone's port go with it
            assertThat(pingsGateway(zoneNs)).as("with the fabric's namespace gone").isFalse();

            backend.reconcile();
            assertThat(pingsGateway(zoneNs)).as("after the next reconcile").isTrue();
        } finally {
            backend.delete(zone.uuid());
        }
    }

    private static boolean pingsGateway(Path zoneNs) {
        return Cmd.run("nsenter", "--net=" + zoneNs, "/bin/busybox", "ping", "-c", "1", "-W", "2", TestNics.FABRIC_GATEWAY).ok();
    }
}
