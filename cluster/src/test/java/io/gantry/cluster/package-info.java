/**
 * Gantry as a cluster of hosts in containers (Testcontainers on a dockerd the suite starts), and the faults it
 * survives, with figures written to docs/reliability.md.
 *
 * <p>The harness, for a test here or in {@code io.gantry.cluster.nemesis}:
 * <pre>{@code
 * @ExtendWith(ClusterExtension.class)          // one cluster per test JVM, shared by every class; skips with one line
 * class SomethingTest {                         // where no engine can run (not root, no dockerd, -Dgantry.zones.skip)
 *     @Test
 *     void survivesSomething(ClusterRun run) {
 *         GantryCluster cluster = run.cluster();            // hosts zk1..3, pg, api1, api2, lb, prov1, prov2,
 *         ClusterHost cn2 = cluster.host("cn2");             //   metering1, metering2, cn1..3
 *         cn2.kill(); cn2.restart(Duration.ofMinutes(2));    // also pause()/unpause(), disconnect()/reconnect(), exec(…), log()
 *         TenantMachines machines = new TenantMachines(run); // create(uuid, name), state(uuid), node(uuid), await(…),
 *                                                            //   deleteAll(…), zonesOnNodes() (gantry zone list on each node)
 *         run.tenant().client();                             // SignedClient as the tenant, through the load balancer
 *         run.tenant().operator();                           // SignedClient as the operator admin (/ops/…)
 *         cluster.record();                                  // JdbcAccess to the record (PostgreSQL's published port)
 *         cluster.gantry("cn1", limit, "--node", "cn1", …);  // the gantry CLI on a host
 *         ReliabilityReport.record(new Finding(…));          // a row of docs/reliability.md
 *     }
 * }
 * }</pre>
 * A test leaves the cluster as it found it: every host it broke running again, its machines deleted. Where a failed
 * assertion stops it before that, {@link io.gantry.cluster.ClusterTidy} (run by the extension after every test) does
 * it and says so on the test's output, so the failure stays the one test's.
 */
package io.gantry.cluster;
