package io.gantry.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A compute node killed, paused past its ZooKeeper session, and cut off the network: how soon its machines show
 * it, that the other nodes' machines never do, and that the cluster converges when the node is back (each machine
 * one zone, none half-made, the machines running again: a killed node's zones died with it, so its agent reports
 * them stopped, as the design has it, and the tenant starts them).
 */
@ExtendWith(ClusterExtension.class)
class ClusterNodeFaultsTest {
    private static final Duration DETECT_LIMIT = Duration.ofSeconds(60);
    private static final Duration RECOVER_LIMIT = Duration.ofMinutes(2);

    @Test
    void aKilledNodesMachinesShowUnknownThenStoppedAndRunAgainWhenStarted(ClusterRun run) {
        survive(run, "killed (docker kill; its zones die with it)", ClusterHost::kill, n -> n.restart(RECOVER_LIMIT), Duration.ZERO);
    }

    @Test
    void aPausedNodeWhoseSessionExpiresShowsUnknownAndItsZonesRunOn(ClusterRun run) {
        // paused 8 s: past the agents' 5 s ZooKeeper session, so the node is lost while its zones keep running
        survive(run, "paused 8 s (docker pause; session expired)", ClusterHost::pause, ClusterHost::unpause, Duration.ofSeconds(8));
    }

    @Test
    void aNodeCutOffTheNetworkShowsUnknownAndRejoins(ClusterRun run) {
        survive(run, "cut off the network 8 s (docker network disconnect)", ClusterHost::disconnect, ClusterHost::reconnect, Duration.ofSeconds(8));
    }

    private static void survive(ClusterRun run, String what, Consumer<ClusterHost> fault, Consumer<ClusterHost> repair, Duration hold) {
        TenantMachines machines = new TenantMachines(run);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID id = UUID.randomUUID();
            assertThat(machines.create(id, "nf" + i + "-" + id.toString().substring(0, 4)).status()).isEqualTo(201);
            ids.add(id);
        }
        assertThat(machines.await(ids, "running"::equals, RECOVER_LIMIT)).as("machines running before the fault").isNotNegative();
        String target = machines.node(ids.get(0));
        List<UUID> onNode = ids.stream().filter(id -> machines.node(id).equals(target)).toList();
        List<UUID> elsewhere = ids.stream().filter(id -> !onNode.contains(id)).toList();
        ClusterHost node = run.cluster().host(target);

        fault.accept(node);
        long faultDone = System.nanoTime();
        NodeLossWatch watch = NodeLossWatch.until(machines, run.tenant().operator(), target, onNode, DETECT_LIMIT);
        long held = (System.nanoTime() - faultDone) / 1_000_000;
        if (held < hold.toMillis()) {
            Pause.millis(hold.toMillis() - held);
        }
        Map<UUID, String> othersDuring = elsewhere.stream().collect(Collectors.toMap(id -> id, machines::state));

        long repairedAt = System.nanoTime();
        repair.accept(node);
        long settled = machines.await(onNode, s -> !s.equals("unknown"), RECOVER_LIMIT);
        Set<String> after = onNode.stream().map(machines::state).collect(Collectors.toSet());
        if (after.contains("stopped")) {
            // the zones died with the node: the tenant starts its machines again
            onNode.forEach(id -> run.tenant().client().post("/my/machines/" + id + "?action=start", Map.of()));
        }
        long running = machines.await(ids, "running"::equals, RECOVER_LIMIT);
        long recovered = running < 0 ? -1 : (System.nanoTime() - repairedAt) / 1_000_000;

        Map<String, Integer> zones = machines.zonesOnNodes();
        List<String> doubled = TenantMachines.doubled(zones);
        int lost = (int) ids.stream().filter(id -> !"running".equals(machines.state(id)) || zones.getOrDefault(id.toString(), 0) != 1).count();
        ReliabilityReport.record(new Finding("compute node " + what,
                "its machines' state (tenant) and the node's health (operator); the other nodes' machines; after the repair: "
                        + "every machine running, one zone each",
                watch.machineMillis(), recovered, lost, doubled.size(),
                "tenant saw `unknown` after " + seconds(watch.machineMillis()) + ", operator saw `" + watch.health() + "` after "
                        + seconds(watch.healthMillis()) + "; back: " + String.join(",", after) + " after " + seconds(settled)
                        + (after.contains("stopped") ? ", then started" : "") + "; other nodes' machines during the fault: "
                        + String.join(",", othersDuring.values())));

        assertThat(watch.machineMillis()).as("the tenant saw node %s's machines become unknown", target).isNotNegative();
        assertThat(othersDuring.values()).as("machines on the other nodes stay running").allMatch("running"::equals);
        assertThat(doubled).as("machines with two zones").isEmpty();
        assertThat(lost).as("machines not running as one zone after the repair").isZero();
        assertThat(machines.deleteAll(ids, RECOVER_LIMIT)).isTrue();
    }

    private static String seconds(long ms) {
        return ms < 0 ? "never" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
