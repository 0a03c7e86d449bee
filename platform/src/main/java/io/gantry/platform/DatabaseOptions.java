package io.gantry.platform;

import io.gantry.cloudapi.store.DatabaseConfig;
import picocli.CommandLine.Option;

/** Where the PostgreSQL record is, for the roles that use it. */
final class DatabaseOptions {
    @Option(names = "--db-host", defaultValue = "${env:GANTRY_DB_HOST:-127.0.0.1}", description = "PostgreSQL host (env GANTRY_DB_HOST; default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--db-port", defaultValue = "${env:GANTRY_DB_PORT:-5432}", description = "PostgreSQL port (env GANTRY_DB_PORT; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--db-name", defaultValue = "${env:GANTRY_DB_NAME:-gantry}", description = "Database (env GANTRY_DB_NAME; default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--db-user", defaultValue = "${env:GANTRY_DB_USER:-gantry}", description = "User (env GANTRY_DB_USER; default ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--db-password", defaultValue = "${env:GANTRY_DB_PASSWORD:-}", description = "Password (env GANTRY_DB_PASSWORD).")
    String password;

    DatabaseConfig config() {
        return new DatabaseConfig(host, port, name, user, password, 10);
    }
}
