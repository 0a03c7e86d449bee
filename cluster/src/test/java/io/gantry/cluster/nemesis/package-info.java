/**
 * The nemesis run of issue 17, as Jepsen would do it: a {@link io.gantry.cluster.nemesis.Workload} of tenants records
 * every operation in a {@link io.gantry.cluster.nemesis.History}, a {@link io.gantry.cluster.nemesis.Nemesis} applies
 * {@link io.gantry.cluster.nemesis.Fault}s, and the {@link io.gantry.cluster.nemesis.Checker} judges the history against
 * the {@link io.gantry.cluster.nemesis.FinalState}. How a cluster plugs in: README.md in this folder.
 */
package io.gantry.cluster.nemesis;
