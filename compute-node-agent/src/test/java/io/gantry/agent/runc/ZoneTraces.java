package io.gantry.agent.runc;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.Mounts;
import io.gantry.agent.net.NodeNetwork;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import io.gantry.common.net.Nic;

/** Looks on the host for anything left of a zone: mounts, loop devices, namespaces, veths, cgroups, runc state, files. */
final class ZoneTraces {
    private ZoneTraces() {
    }

    /** {@code nics}: the zone's NICs, whose ports and rules are looked for too. */
    static List<String> of(RuncZoneBackend backend, UUID uuid, List<Nic> nics) {
        ZoneLayout zone = backend.layout(uuid);
        List<String> found = new ArrayList<>();
        Mounts.below(zone.dir()).forEach(m -> found.add("mount " + m));
        String loops = Cmd.run("losetup", "-a").stdout();
        loops.lines().filter(l -> l.contains(zone.dir().toString())).forEach(l -> found.add("loop " + l));
        if (NodeNetwork.netnsExists(zone.netns())) {
            found.add("netns " + zone.netns());
        }
        for (Nic nic : nics) {
            String port = "vz" + nic.mac().replace(":", "");
            String bridgeNs = nic.vni() == null ? backend.network().netns() : backend.network().fabricNetns(nic.vni());
            if (NodeNetwork.netnsExists(bridgeNs) && Cmd.run("ip", "-n", bridgeNs, "link", "show", port).ok()) {
                found.add("veth " + port);
            }
            if (NodeNetwork.netnsExists(bridgeNs) && !backend.network().portRules(nic).isBlank()) {
                found.add("nft chain of " + port);
            }
        }
        io.gantry.agent.cgroup.Cgroups.detect().existing(zone.cgroupsPath()).forEach(d -> found.add("cgroup " + d));
        if (Cmd.run("runc", "--root", backend.config().runcRoot().toString(), "state", zone.containerId()).ok()) {
            found.add("runc container " + zone.containerId());
        }
        if (Files.exists(zone.dir())) {
            found.add("dir " + zone.dir());
        }
        if (Files.exists(zone.metadataDir())) {
            found.add("metadata socket dir " + zone.metadataDir());
        }
        return found;
    }
}
