package io.gantry.platform;

import io.gantry.tls.TlsFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A serving role's {@code --tls-cert} and {@code --tls-key}: PEM files to serve HTTPS with (TLS
 * 1.2 and 1.3), reloaded when they change; neither means plain HTTP. Only one, or an unreadable
 * file, is a usage error (exit 2).
 */
final class TlsOptions {
    @Option(names = "--tls-cert", defaultValue = "${env:GANTRY_TLS_CERT:-}",
            description = "PEM certificate (chain) to serve HTTPS with, with --tls-key; reloaded when it changes (env GANTRY_TLS_CERT).")
    String cert;

    @Option(names = "--tls-key", defaultValue = "${env:GANTRY_TLS_KEY:-}",
            description = "PEM private key of --tls-cert (env GANTRY_TLS_KEY).")
    String key;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The files, or null for plain HTTP. */
    TlsFiles files() {
        try {
            return TlsFiles.of(cert, key);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The URL scheme this role serves. */
    String scheme() {
        return files() == null ? "http" : "https";
    }
}
