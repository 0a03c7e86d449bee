package io.gantry.common;

/**
 * A change to a zone's resources; a null field stays as it is. {@code packageName} renames the
 * zone's package (a resize to another package), so usage is metered under the new name; a task
 * written before the field existed parses with it null.
 */
public record ResourceUpdate(Long memoryMiB, Long swapMiB, Integer vcpus, Integer cpuCap, Integer lwps, Long diskMiB,
                             String packageName) {

    /** A change that keeps the package's name. */
    public ResourceUpdate(Long memoryMiB, Long swapMiB, Integer vcpus, Integer cpuCap, Integer lwps, Long diskMiB) {
        this(memoryMiB, swapMiB, vcpus, cpuCap, lwps, diskMiB, null);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return memoryMiB == null && swapMiB == null && vcpus == null && cpuCap == null && lwps == null && diskMiB == null
                && packageName == null;
    }

    public static ResourceUpdate memory(long memoryMiB) {
        return new ResourceUpdate(memoryMiB, null, null, null, null, null);
    }
}
