package io.gantry.cluster;

/** The fixed part of docs/reliability.md: what the suite runs and how it measures. */
final class ReliabilityIntro {
    static final String TEXT = """
            # Reliability: the faults Gantry survives as a cluster of hosts

            This file is written by the `cluster` module's suite (`./mvnw -B -pl cluster -am verify
            -Dtest='Cluster*Test' -Dsurefire.failIfNoSpecifiedTests=false`, root only); do not edit it by hand.

            ## The cluster
            Every host is a container (Testcontainers 2.0.5) on one Docker network the suite creates, on a dockerd the
            suite starts and stops itself (socket `/run/gantry-cluster-docker.sock`, data under
            `/var/lib/gantry-cluster/docker`, so images stay cached; no default bridge, the host's iptables untouched,
            published ports on 127.0.0.1 only). Nothing is pulled: a Debian 12 base from `debootstrap --variant=minbase`
            and `docker import` (built once), and `FROM` it PostgreSQL 15 (Debian's `postgresql-15`), HAProxy (Debian's),
            Gantry (the release `platform/target/gantry.jar` and `lib/` on Debian's `openjdk-17-jre-headless`, with runc,
            iproute2, nftables, e2fsprogs and busybox-static for the agents, tini as the container's process 1) and ZooKeeper (`gantry zookeeper`,
            `FROM` the Gantry image).

            | hosts | role |
            |---|---|
            | `zk1`, `zk2`, `zk3` | a three-member ZooKeeper ensemble |
            | `pg` | PostgreSQL, the record |
            | `api1`, `api2` behind `lb` | the cloud API, twice, behind HAProxy (TCP check every 500 ms, two misses take an instance out) |
            | `prov1`, `prov2` | provisioners: one leads |
            | `metering1`, `metering2` | metering |
            | `cn1`, `cn2`, `cn3` | compute nodes: the agent with the real `runc` backend, in containers with every capability this host has, the host's cgroups, loop devices and a real file system for zones |

            The test reaches the cluster only through the load balancer's and PostgreSQL's published ports. The operator
            `admin` is made with `gantry account bootstrap-operator` on `api1`, then the tenant, a package and the limits
            through the operator routes; requests are signed with the account's key (testkit's `SignedClient`).

            ## How the figures are measured
            - *detected after*: for a node, from the fault (the `docker` command returning) until the tenant's
              `GET /:login/machines/:id` shows one of its machines `unknown`, polled every 100 ms through the load
              balancer (the operator's `GET /ops/nodes/:node` is in the last column); for a provisioner, from the kill
              until the first job step a provisioner commits after it (the jobs' `updated`, set by PostgreSQL when the step's
              transaction began; only the leader moves jobs on, the cloud API only queues them); for a ZooKeeper member, until
              the remaining members have a leader (`srvr`).
            - *recovered after*: for a node, from the repair (the host started, unpaused or reconnected) until every
              machine of the test is `running` again; for a provisioner or a ZooKeeper member, from the kill until every
              create made meanwhile is `running`; for a cloud API instance, how long after the kill clients still saw
              failed tries (until the balancer dropped it); for PostgreSQL, from its restart until every create made
              meanwhile is `running`; for the whole control plane, from the first host's restart until the burning
              zone's usage in the record equals what its node's kernel counted (the cgroup's CPU time, the zone's eth0)
              within 0.1%.
            - *lost*: an acknowledged create (`201`) that never became one running machine; *duplicated*: a machine id
              with more than one zone across the nodes (`gantry zone list` on each), or more than one machine for one
              caller-chosen `uuid`. For the whole control plane down, *lost* counts zones restarted meanwhile (their
              init's start time changed).
            """;

    private ReliabilityIntro() {
    }
}
