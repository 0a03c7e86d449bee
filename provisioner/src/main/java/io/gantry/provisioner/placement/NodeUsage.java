package io.gantry.provisioner.placement;

/** What is booked on one node: memory and disk in MiB, the number of machines and their vCPUs. */
public record NodeUsage(long memoryMiB, long diskMiB, int machines, long vcpus) {
    /** Machines that book no vCPUs. */
    public NodeUsage(long memoryMiB, long diskMiB, int machines) {
        this(memoryMiB, diskMiB, machines, 0);
    }
}
