package io.gantry.platform;

import io.gantry.common.limits.OverprovisionRatios;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
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

    /**
     * The {@code GANTRY_CONFIG} file's values for these options only: for operator commands such as
     * {@code zone create}, whose other options (sizes, alias…) must not be set by a role's file.
     */
    static final class FromConfigFile implements CommandLine.IDefaultValueProvider {
        private final ConfigFile file = new ConfigFile();

        @Override
        public String defaultValue(ArgSpec arg) {
            if (arg instanceof OptionSpec option && option.longestName().startsWith("--overprovision-")) {
                return file.defaultValue(arg);
            }
            return arg.defaultValue();
        }
    }
}
