package io.gantry.provisioner;

import io.gantry.provisioner.placement.ClusterState;
import org.apache.curator.framework.CuratorFramework;

/**
 * What a leader's job steps, reconcilers and sweeper share, built once by {@link LeaderLoop}: the
 * ZooKeeper client, the record, the bookings, the cache of nodes, the one way to end a job, and the
 * hook that sees each step committed.
 */
record LeaderParts(CuratorFramework zk, JobRecords records, ClusterState cluster, NodeWatcher watcher, JobFinisher finisher,
                   LeaderLoop.StepHook hook) {
}
