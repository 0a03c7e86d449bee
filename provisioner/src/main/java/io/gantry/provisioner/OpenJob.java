package io.gantry.provisioner;

import io.gantry.common.JobKind;
import io.gantry.common.JobState;
import io.gantry.common.RequiredTraits;
import io.gantry.common.Package;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import io.gantry.common.affinity.AffinityRule;
import io.gantry.common.net.Nic;
import io.gantry.provisioner.placement.PlacementRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A job that is not finished, with what the provisioner needs of its machine; {@code deleteQueued}: a delete of the
 * machine is queued after this job (as the pass that read it saw the open jobs).
 */
record OpenJob(UUID id, JobKind action, JobState state, String node, Map<String, Object> params, String caller, Machine machine,
               boolean deleteQueued) {

    /** A job with no delete of its machine queued after it. */
    OpenJob(UUID id, JobKind action, JobState state, String node, Map<String, Object> params, String caller, Machine machine) {
        this(id, action, state, node, params, caller, machine, false);
    }

    /** This job as the record has it after a step that moved it on and joined {@code added} to its params. */
    OpenJob after(JobState newState, String newNode, Map<String, Object> added) {
        Map<String, Object> merged = new java.util.LinkedHashMap<>(params);
        merged.putAll(added);
        return new OpenJob(id, action, newState, newNode, merged, caller, machine, deleteQueued);
    }

    /** This job with its machine as {@code m} has it (the same machine, more of its record loaded). */
    OpenJob withMachine(Machine m) {
        return new OpenJob(id, action, state, node, params, caller, m, deleteQueued);
    }

    /** This job, known to have a delete of its machine queued after it. */
    OpenJob withDeleteQueued() {
        return new OpenJob(id, action, state, node, params, caller, machine, true);
    }

    /**
     * The machine's row as placement and dispatch need it, with the NICs its zone is to have (all but those being
     * removed) and whether its firewall is on.
     */
    record Machine(UUID id, UUID account, String name, ZoneState state, String computeNode, long memoryMiB, long swapMiB,
                   long diskMiB, int vcpus, int cpuCap, int lwps, String packageName, Map<String, String> tags,
                   List<String> affinity, Integer cpuThrottle, Map<String, Object> traits,
                   List<Nic> nics, boolean firewallEnabled) {

        Machine {
            nics = nics == null ? List.of() : List.copyOf(nics);
        }

        /** A machine without NICs and with its firewall off. */
        Machine(UUID id, UUID account, String name, ZoneState state, String computeNode, long memoryMiB, long swapMiB,
                long diskMiB, int vcpus, int cpuCap, int lwps, String packageName, Map<String, String> tags,
                List<String> affinity, Integer cpuThrottle, Map<String, Object> traits) {
            this(id, account, name, state, computeNode, memoryMiB, swapMiB, diskMiB, vcpus, cpuCap, lwps, packageName, tags, affinity,
                    cpuThrottle, traits, List.of(), false);
        }

        /** This machine with {@code withNics} as its NICs. */
        Machine withNics(List<Nic> withNics) {
            return new Machine(id, account, name, state, computeNode, memoryMiB, swapMiB, diskMiB, vcpus, cpuCap, lwps, packageName, tags,
                    affinity, cpuThrottle, traits, withNics, firewallEnabled);
        }

        /** The zone this machine is to be on its node (a provision's, an import's, a NIC change's). */
        ZoneSpec zoneSpec(String image) {
            Package pkg = new Package(packageName, memoryMiB, swapMiB, vcpus, effectiveCpuCap(), lwps,
                    diskMiB);
            return new ZoneSpec(id, name, account.toString(), image, pkg, nics, firewallEnabled);
        }

        /**
         * What placement needs to know of the machine: its owner, name, tags, size, required traits and affinity. Traits
         * or rules it cannot read are an InvalidArgument, which fails this machine's job only.
         */
        PlacementRequest placementRequest() {
            return new PlacementRequest(id, account.toString(), name, tags, memoryMiB, diskMiB, vcpus,
                    RequiredTraits.fromJson(traits, "machine " + id), affinity.stream().map(AffinityRule::parse).toList());
        }

        /** The CPU cap the zone should run under: the package's, or metering's throttle where that is lower. */
        int effectiveCpuCap() {
            if (cpuThrottle == null) {
                return cpuCap;
            }
            int packageCap = cpuCap > 0 ? cpuCap : vcpus * 100; // 0 means no cap at all
            return packageCap > 0 ? Math.min(packageCap, cpuThrottle) : cpuThrottle;
        }
    }
}
