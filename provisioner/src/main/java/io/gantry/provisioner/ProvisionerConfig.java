package io.gantry.provisioner;

import io.gantry.provisioner.placement.PlacementPolicy;
import java.time.Duration;

/** One provisioner's settings: its id among its peers, the database, how it places, how often it looks. */
public record ProvisionerConfig(String id, String jdbcUrl, String dbUser, String dbPassword, PlacementPolicy placement,
                                Duration pollInterval) {
    public ProvisionerConfig {
        if (pollInterval == null) {
            pollInterval = Duration.ofMillis(500);
        }
    }
}
