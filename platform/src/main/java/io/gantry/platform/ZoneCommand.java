package io.gantry.platform;

import io.gantry.agent.runc.RuncZoneBackend;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.Package;
import io.gantry.common.ResourceUpdate;
import io.gantry.common.Zone;
import io.gantry.common.ZoneSpec;
import io.gantry.common.ZoneState;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "zone", description = "Manage this node's zones (like SmartOS vmadm and zlogin).",
        subcommands = {ZoneCommand.Create.class, ZoneCommand.ListZones.class, ZoneCommand.Get.class, ZoneCommand.Stop.class,
                ZoneCommand.Start.class, ZoneCommand.Reboot.class, ZoneCommand.Delete.class, ZoneCommand.Update.class,
                ZoneCommand.Exec.class, ZoneCommand.Stats.class})
final class ZoneCommand {
    @ParentCommand
    GantryCommand root;

    RuncZoneBackend backend() {
        return Node.open(root);
    }

    /** The node's backend, checking the zones it makes or resizes against the node times {@code overprovision}. */
    RuncZoneBackend backend(OverprovisionOptions overprovision) {
        return Node.open(root, overprovision.ratios());
    }

    /** A sub-command that acts on one zone named by its UUID. */
    abstract static class OnZone implements Callable<Integer> {
        @ParentCommand
        ZoneCommand parent;

        @Parameters(index = "0", paramLabel = "UUID", description = "The zone's UUID.")
        String uuid;

        UUID id() {
            return ZoneSpec.parseUuid(uuid);
        }

        /** Opens the node, does {@code action} on this zone, closes the node. */
        int onZone(java.util.function.BiConsumer<RuncZoneBackend, UUID> action) {
            return onZone(parent::backend, action);
        }

        int onZone(java.util.function.Supplier<RuncZoneBackend> open, java.util.function.BiConsumer<RuncZoneBackend, UUID> action) {
            UUID id = id();
            try (RuncZoneBackend backend = open.get()) {
                action.accept(backend, id);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", defaultValueProvider = OverprovisionOptions.FromConfigFile.class,
            description = "Create and start a zone; prints its UUID. Sizes beyond this node's memory, disk, CPUs or kernel limits are refused.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        ZoneCommand parent;

        @Option(names = "--image", required = true, description = "Image name or id.")
        String image;

        @Option(names = "--tenant", required = true, description = "The tenant that owns the zone (its network).")
        String tenant;

        @Option(names = "--memory", defaultValue = "256", description = "Memory cap, MiB (default ${DEFAULT-VALUE}).")
        String memory;

        @Option(names = "--swap", description = "Memory plus swap cap, MiB (default: same as --memory).")
        String swap;

        @Option(names = "--cpu-cap", defaultValue = "100", description = "CPU cap, percent of one CPU; 0 = none (default ${DEFAULT-VALUE}).")
        int cpuCap;

        @Option(names = "--lwps", defaultValue = "512", description = "Most processes and threads at once (default ${DEFAULT-VALUE}).")
        int lwps;

        @Option(names = "--disk", defaultValue = "1", description = "Disk quota, GiB; or with a unit, e.g. 512M (default ${DEFAULT-VALUE}).")
        String disk;

        @Option(names = "--alias", description = "Name and hostname of the zone (default: z-<first 8 of uuid>).")
        String alias;

        @Option(names = "--uuid", description = "Use this UUID; creating an existing UUID with the same settings returns it.")
        String uuid;

        @Mixin
        OverprovisionOptions overprovision;

        @Override
        public Integer call() {
            long memoryMiB = Sizes.toMiB(memory, "M");
            long swapMiB = swap == null ? memoryMiB : Sizes.toMiB(swap, "M");
            Package pkg = new Package("custom", memoryMiB, swapMiB, 0, cpuCap, lwps, Sizes.toMiB(disk, "G"));
            UUID id = uuid == null ? UUID.randomUUID() : ZoneSpec.parseUuid(uuid);
            try (RuncZoneBackend backend = parent.backend(overprovision)) {
                String imageId = backend.images().resolve(image).id();
                Zone zone = backend.create(new ZoneSpec(id, alias, tenant, imageId, pkg));
                if (zone.state() == ZoneState.FAILED) {
                    throw GantryException.internal("zone " + id + " failed to provision: " + zone.reason()
                            + " (its record is kept; 'gantry zone delete " + id + "' removes it)");
                }
                System.out.println(zone.uuid());
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List the zones on this node.")
    static final class ListZones implements Callable<Integer> {
        @ParentCommand
        ZoneCommand parent;

        @Option(names = "--json", description = "Print a JSON array of zones (fields as in 'zone get').")
        boolean json;

        @Override
        public Integer call() {
            try (RuncZoneBackend backend = parent.backend()) {
                List<ZoneView> zones = backend.list().stream()
                        .sorted(Comparator.comparing(Zone::createdAt))
                        .map(ZoneView::of).toList();
                if (json) {
                    System.out.println(Json.writePretty(zones));
                    return ExitCodes.OK;
                }
                System.out.printf("%-36s  %-16s  %-12s  %-12s  %-15s  %7s  %7s%n", "UUID", "ALIAS", "TENANT", "STATE", "IP", "RAM", "DISK");
                for (ZoneView z : zones) {
                    System.out.printf("%-36s  %-16s  %-12s  %-12s  %-15s  %6dM  %6dM%n",
                            z.uuid(), z.alias(), z.tenant(), z.state(), z.ip() == null ? "-" : z.ip(), z.memoryMiB(), z.diskMiB());
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "get", description = "Print one zone as JSON.")
    static final class Get extends OnZone {
        @Option(names = "--json", description = "JSON output (the only format; accepted for symmetry with 'list').")
        boolean json;

        @Override
        public Integer call() {
            return onZone((backend, id) -> System.out.println(Json.writePretty(ZoneView.of(backend.get(id)))));
        }
    }

    /** The grace period of stop and reboot. */
    static final class StopTimeout {
        @Option(names = "--timeout", defaultValue = "10", description = "Seconds to wait after SIGTERM (default ${DEFAULT-VALUE}).")
        int seconds;

        Duration grace() {
            return Duration.ofSeconds(seconds);
        }
    }

    @Command(name = "stop", description = "Stop a zone: SIGTERM to its init, SIGKILL after the timeout.")
    static final class Stop extends OnZone {
        @Mixin
        StopTimeout timeout;

        @Override
        public Integer call() {
            return onZone((backend, id) -> backend.stop(id, timeout.grace()));
        }
    }

    @Command(name = "start", description = "Start a stopped zone.")
    static final class Start extends OnZone {
        @Override
        public Integer call() {
            return onZone(RuncZoneBackend::start);
        }
    }

    @Command(name = "reboot", description = "Stop and start a zone.")
    static final class Reboot extends OnZone {
        @Mixin
        StopTimeout timeout;

        @Override
        public Integer call() {
            return onZone((backend, id) -> backend.reboot(id, timeout.grace()));
        }
    }

    @Command(name = "delete", description = "Delete a zone and everything the node made for it.")
    static final class Delete extends OnZone {
        @Override
        public Integer call() {
            return onZone(RuncZoneBackend::delete);
        }
    }

    @Command(name = "update", defaultValueProvider = OverprovisionOptions.FromConfigFile.class,
            description = "Change a zone's caps: memory, CPU and lwps live; disk grows only while stopped. Checked as 'create' is.")
    static final class Update extends OnZone {
        @Option(names = "--memory", description = "Memory cap, MiB.")
        String memory;

        @Option(names = "--swap", description = "Memory plus swap cap, MiB.")
        String swap;

        @Option(names = "--cpu-cap", description = "CPU cap, percent of one CPU; 0 = none.")
        Integer cpuCap;

        @Option(names = "--lwps", description = "Most processes and threads.")
        Integer lwps;

        @Option(names = "--disk", description = "Disk quota, GiB or with a unit (grow only, zone stopped).")
        String disk;

        @Mixin
        OverprovisionOptions overprovision;

        @Override
        public Integer call() {
            ResourceUpdate update = new ResourceUpdate(
                    memory == null ? null : Sizes.toMiB(memory, "M"),
                    swap == null ? null : Sizes.toMiB(swap, "M"),
                    null, cpuCap, lwps,
                    disk == null ? null : Sizes.toMiB(disk, "G"));
            if (update.isEmpty()) {
                throw GantryException.invalid("nothing to update: give --memory, --swap, --cpu-cap, --lwps or --disk");
            }
            return onZone(() -> parent.backend(overprovision),
                    (backend, id) -> System.out.println(Json.writePretty(ZoneView.of(backend.update(id, update)))));
        }
    }

    @Command(name = "exec", description = "Run a command inside a running zone (like zlogin); exits with its exit code.")
    static final class Exec extends OnZone {
        @Parameters(index = "1..*", paramLabel = "CMD", description = "The command and its arguments (after --).")
        List<String> command;

        @Override
        public Integer call() {
            if (command == null || command.isEmpty()) {
                throw GantryException.invalid("no command given: gantry zone exec UUID -- CMD [ARGS...]");
            }
            try (RuncZoneBackend backend = parent.backend()) {
                return backend.execInteractive(id(), command);
            }
        }
    }

    @Command(name = "stats", description = "Print a zone's usage counters and enforced limits as JSON.")
    static final class Stats extends OnZone {
        @Override
        public Integer call() {
            return onZone((backend, id) -> System.out.println(Json.writePretty(backend.counters(id))));
        }
    }
}
