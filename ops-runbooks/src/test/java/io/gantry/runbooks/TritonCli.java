package io.gantry.runbooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code triton} CLI (npm {@code triton} 7.17.0), found as TritonCliEndToEndTest finds it:
 * {@code $TRITON_NODE_MODULES} (CI installs it there), else installed with npm into this module's
 * target/ once. Empty where neither works: runbooks that call {@code triton} are then skipped.
 */
final class TritonCli {
    static final String VERSION = "7.17.0";
    static final String MISSING = "needs the triton CLI: set TRITON_NODE_MODULES to a node_modules holding triton@" + VERSION
            + " (.ci/run installs one), or have npm on PATH so the runner installs it";

    private static Optional<Path> bin;

    private TritonCli() {
    }

    /** The directory holding the {@code triton} command, or empty. */
    static synchronized Optional<Path> bin() {
        if (bin == null) {
            bin = find();
        }
        return bin;
    }

    private static Optional<Path> find() {
        String preinstalled = System.getenv("TRITON_NODE_MODULES");
        if (preinstalled != null && !preinstalled.isBlank()) {
            Path b = Path.of(preinstalled, ".bin");
            return Files.isExecutable(b.resolve("triton")) ? Optional.of(b) : Optional.empty();
        }
        Path prefix = Repo.runbooks().resolve("target/triton-cli");
        Path b = prefix.resolve("node_modules/.bin");
        if (Files.isExecutable(b.resolve("triton"))) {
            return Optional.of(b);
        }
        try {
            Process npm = new ProcessBuilder("npm", "install", "--prefix", prefix.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", "triton@" + VERSION).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0 && Files.isExecutable(b.resolve("triton"))) {
                return Optional.of(b);
            }
            npm.destroyForcibly();
        } catch (java.io.IOException e) {
            // no npm
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }
}
