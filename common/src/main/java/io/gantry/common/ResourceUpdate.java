package io.gantry.common;

/** A change to a zone's resources; a null field stays as it is. */
public record ResourceUpdate(Long memoryMiB, Long swapMiB, Integer vcpus, Integer cpuCap, Integer lwps, Long diskMiB) {

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return memoryMiB == null && swapMiB == null && vcpus == null && cpuCap == null && lwps == null && diskMiB == null;
    }

    public static ResourceUpdate memory(long memoryMiB) {
        return new ResourceUpdate(memoryMiB, null, null, null, null, null);
    }
}
