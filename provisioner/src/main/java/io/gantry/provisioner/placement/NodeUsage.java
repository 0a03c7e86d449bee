package io.gantry.provisioner.placement;

/** What is booked on one node: memory and disk in MiB and the number of machines. */
public record NodeUsage(long memoryMiB, long diskMiB, int machines) {
}
