package io.gantry.provisioner;

import io.gantry.provisioner.liveness.NodeLiveness;
import io.gantry.provisioner.placement.PlacementPolicy;
import java.time.Duration;

/**
 * One provisioner's settings: its id among its peers, the database, how it places, how often it looks, and in how many
 * lanes its leader moves jobs on at once ({@link JobLanes}; each lane holds one database connection), and how it hears
 * and judges the nodes' beats ({@link NodeLiveness}).
 */
public record ProvisionerConfig(String id, String jdbcUrl, String dbUser, String dbPassword, PlacementPolicy placement,
                                Duration pollInterval, int jobLanes, NodeLiveness liveness) {
    /** Enough lanes that PostgreSQL's and ZooKeeper's round trips overlap, few enough to stay a small share of connections. */
    public static final int DEFAULT_JOB_LANES = 8;

    public ProvisionerConfig {
        if (pollInterval == null) {
            pollInterval = Duration.ofMillis(500);
        }
        if (liveness == null) {
            liveness = NodeLiveness.loopback();
        }
        if (jobLanes < 1) {
            throw new IllegalArgumentException("jobLanes must be at least 1, not " + jobLanes);
        }
    }

    /** Hearing beats on loopback ({@link NodeLiveness#loopback()}). */
    public ProvisionerConfig(String id, String jdbcUrl, String dbUser, String dbPassword, PlacementPolicy placement,
                             Duration pollInterval, int jobLanes) {
        this(id, jdbcUrl, dbUser, dbPassword, placement, pollInterval, jobLanes, null);
    }

    /** With {@link #DEFAULT_JOB_LANES} lanes. */
    public ProvisionerConfig(String id, String jdbcUrl, String dbUser, String dbPassword, PlacementPolicy placement,
                             Duration pollInterval) {
        this(id, jdbcUrl, dbUser, dbPassword, placement, pollInterval, DEFAULT_JOB_LANES);
    }

    /**
     * These settings, with every database session named {@code applicationName} (PostgreSQL's {@code application_name},
     * seen in {@code pg_stat_activity}): how a new leader tells when a dead one's sessions have ended.
     */
    public ProvisionerConfig withApplicationName(String applicationName) {
        if (jdbcUrl == null) {
            return this;
        }
        String tagged = jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "ApplicationName="
                + java.net.URLEncoder.encode(applicationName, java.nio.charset.StandardCharsets.UTF_8);
        return new ProvisionerConfig(id, tagged, dbUser, dbPassword, placement, pollInterval, jobLanes, liveness);
    }

    /** These settings, hearing and judging beats as {@code newLiveness} says. */
    public ProvisionerConfig withLiveness(NodeLiveness newLiveness) {
        return new ProvisionerConfig(id, jdbcUrl, dbUser, dbPassword, placement, pollInterval, jobLanes, newLiveness);
    }
}
