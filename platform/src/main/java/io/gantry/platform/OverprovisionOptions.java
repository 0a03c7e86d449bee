package io.gantry.platform;

import io.gantry.common.limits.OverprovisionRatios;
import picocli.CommandLine.Option;

/**
 * The overprovision ratios, one pair of options shared by the provisioner (what placement books)
 * and the node (what {@code gantry agent} and {@code gantry zone create/update} accept), so the
 * same configuration file or environment gives both the same figures.
 */
final class OverprovisionOptions {
    @Option(names = "--overprovision-memory", defaultValue = "${env:GANTRY_OVERPROVISION_MEMORY:-1.0}",
            description = "Memory overprovision ratio (default ${DEFAULT-VALUE}; env GANTRY_OVERPROVISION_MEMORY).")
    double memory;

    @Option(names = "--overprovision-disk", defaultValue = "${env:GANTRY_OVERPROVISION_DISK:-1.0}",
            description = "Disk overprovision ratio (default ${DEFAULT-VALUE}; env GANTRY_OVERPROVISION_DISK).")
    double disk;

    OverprovisionRatios ratios() {
        return new OverprovisionRatios(memory, disk);
    }
}
