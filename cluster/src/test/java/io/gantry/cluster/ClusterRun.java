package io.gantry.cluster;

/**
 * What a cluster test gets: the running cluster (hosts, faults, the record) and its tenant (signed clients through
 * the load balancer, an image and a package to create machines with).
 */
public record ClusterRun(GantryCluster cluster, ClusterTenant tenant) {
}
