package io.gantry.platform;

import io.gantry.tls.CaTrust;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --metering-ca}: the PEM file of the CA that signed metering's HTTPS certificate, for a command that talks
 * to metering (the agent shipping usage, the cloud API reading budgets, the budget commands); unset, the JDK's
 * trusted CAs. A file that is missing or holds no certificate is a usage error (exit 2) before anything starts.
 */
final class MeteringCaOption {
    @Option(names = "--metering-ca", defaultValue = "${env:GANTRY_METERING_CA:-}",
            description = "PEM file of the CA that signed metering's HTTPS certificate, trusted instead of the JDK's CAs (env GANTRY_METERING_CA).")
    String file;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The CA file, checked; null when none is given. */
    Path path() {
        CaTrust trust = trust();
        return trust == null ? null : trust.file();
    }

    /** The CA file's certificates; null when none is given. */
    CaTrust trust() {
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            return CaTrust.of(Path.of(file));
        } catch (IllegalArgumentException e) {
            if (spec == null || spec.commandLine() == null) { // mixed into a mixin (a command's target): no command line to name
                throw io.gantry.common.GantryException.invalid("--metering-ca: " + e.getMessage());
            }
            throw new ParameterException(spec.commandLine(), "--metering-ca: " + e.getMessage());
        }
    }
}
