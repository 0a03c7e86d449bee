package io.gantry.common.limits;

/** What a machine counts for against limits: its sizes and the attributes a limit can be narrowed to. */
public record Footprint(long memoryMiB, long diskMiB, int vcpus, String image, String brand, String os) {
}
