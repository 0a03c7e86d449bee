package io.gantry.platform;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for a role's options from a properties file: the file named by $GANTRY_CONFIG, where each
 * key is an option's long name without the dashes ({@code db-host=10.0.0.5}). Command-line options
 * win over the file; the file wins over each option's built-in default (which may name an env var).
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    private final Properties values = new Properties();

    ConfigFile() {
        String path = System.getenv("GANTRY_CONFIG");
        if (path != null && !path.isBlank()) {
            try (Reader r = Files.newBufferedReader(Path.of(path))) {
                values.load(r);
            } catch (IOException e) {
                throw new io.gantry.common.GantryException(io.gantry.common.ErrorCode.InvalidArgument,
                        "cannot read the configuration file " + path + " (GANTRY_CONFIG): " + e.getMessage());
            }
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec option) {
            String key = option.longestName().replaceFirst("^-+", "");
            String value = values.getProperty(key);
            if (value != null) {
                return value;
            }
        }
        return arg.defaultValue();
    }
}
