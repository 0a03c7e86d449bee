package io.gantry.cloudapi;

import io.gantry.cloudapi.store.DatabaseConfig;
import java.time.Duration;

/**
 * The cloud API's settings: where it listens, which URL clients reach it by (shown by
 * ListDatacenters), its datacenter name, the database, how far a signed date may be off, and the
 * metering service's base URL that answers usage and budgets (null: none, and usage answers 503).
 */
public record CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database,
                             Duration maxClockSkew, String meteringUrl) {

    public CloudApiConfig(String host, int port, String publicUrl, String datacenter, DatabaseConfig database, Duration maxClockSkew) {
        this(host, port, publicUrl, datacenter, database, maxClockSkew, null);
    }

    public CloudApiConfig {
        if (host == null) {
            host = "127.0.0.1";
        }
        if (datacenter == null) {
            datacenter = "dev-1";
        }
        if (maxClockSkew == null) {
            maxClockSkew = Duration.ofSeconds(300);
        }
    }
}
