package io.gantry.common.coord;

/** A node's total resources: memory and disk in MiB, CPUs in whole CPUs. */
public record NodeCapacity(long memoryMiB, long diskMiB, int cpus) {
}
