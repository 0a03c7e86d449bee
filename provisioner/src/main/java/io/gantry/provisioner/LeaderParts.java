package io.gantry.provisioner;

import io.gantry.provisioner.placement.ClusterState;
import org.apache.curator.framework.CuratorFramework;

/**
 * What a leader's job steps, reconcilers and sweeper share, built once by {@link LeaderLoop}: the
 * ZooKeeper client, the record, the bookings, the cache of nodes, the metrics, the one way to end a
 * job, and the hook that sees each step committed.
 */
record LeaderParts(CuratorFramework zk, JobRecords records, ClusterState cluster, NodeWatcher watcher, ProvisionerMetrics metrics,
                   JobFinisher finisher, LeaderLoop.StepHook hook) {

    LeaderParts(CuratorFramework zk, JobRecords records, ClusterState cluster, NodeWatcher watcher, ProvisionerMetrics metrics,
                LeaderLoop.StepHook hook) {
        this(zk, records, cluster, watcher, metrics, new JobFinisher(records, metrics), hook);
    }
}
