package io.gantry.metering.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** One row of usage in the API's units, as the usage API and the export show it. */
@JsonPropertyOrder({"instance_seconds", "cpu_seconds", "memory_gib_hours", "memory_peak_bytes", "disk_gib_hours",
        "network_in_gb", "network_out_gb", "oom_kills", "forks_refused"})
public record Figures(
        @JsonProperty("instance_seconds") double instanceSeconds,
        @JsonProperty("cpu_seconds") double cpuSeconds,
        @JsonProperty("memory_gib_hours") double memoryGibHours,
        @JsonProperty("memory_peak_bytes") long memoryPeakBytes,
        @JsonProperty("disk_gib_hours") double diskGibHours,
        @JsonProperty("network_in_gb") double networkInGb,
        @JsonProperty("network_out_gb") double networkOutGb,
        @JsonProperty("oom_kills") long oomKills,
        @JsonProperty("forks_refused") long forksRefused) {

    /** The field names, in order, as they appear in JSON and as CSV columns. */
    public static final List<String> FIELDS = List.of("instance_seconds", "cpu_seconds", "memory_gib_hours", "memory_peak_bytes",
            "disk_gib_hours", "network_in_gb", "network_out_gb", "oom_kills", "forks_refused");

    public static Figures of(Sums s) {
        return new Figures(s.instanceSeconds(), s.cpuSeconds(), s.memoryGibHours(), s.memoryPeakBytes(), s.diskGibHours(),
                s.networkInGb(), s.networkOutGb(), s.oomKills(), s.forksRefused());
    }

    /** The values in {@link #FIELDS} order, as JSON writes them (Java's shortest round-trip form for doubles). */
    public List<String> values() {
        return List.of(Double.toString(instanceSeconds), Double.toString(cpuSeconds), Double.toString(memoryGibHours),
                Long.toString(memoryPeakBytes), Double.toString(diskGibHours), Double.toString(networkInGb),
                Double.toString(networkOutGb), Long.toString(oomKills), Long.toString(forksRefused));
    }
}
