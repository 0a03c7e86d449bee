package io.gantry.cloudapi.store;

/** Where the PostgreSQL record lives. */
public record DatabaseConfig(String host, int port, String database, String user, String password, int poolSize) {
    public DatabaseConfig {
        if (poolSize <= 0) {
            poolSize = 10;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
}
