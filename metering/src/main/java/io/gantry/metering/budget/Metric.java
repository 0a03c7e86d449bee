package io.gantry.metering.budget;

import io.gantry.common.GantryException;
import io.gantry.metering.usage.Sums;
import java.util.Arrays;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/** What a budget limits, in the unit its limit is written in (GB = 10^9 bytes, GiB = 2^30 bytes). */
public enum Metric {
    CPU_HOURS("cpu_hours", Sums::cpuHours),
    INSTANCE_HOURS("instance_hours", Sums::instanceHours),
    MEMORY_GIB_HOURS("memory_gib_hours", Sums::memoryGibHours),
    DISK_GIB_HOURS("disk_gib_hours", Sums::diskGibHours),
    NETWORK_IN_GB("network_in_gb", Sums::networkInGb),
    NETWORK_OUT_GB("network_out_gb", Sums::networkOutGb),
    NETWORK_GB("network_gb", Sums::networkGb);

    private final String wire;
    private final ToDoubleFunction<Sums> measure;

    Metric(String wire, ToDoubleFunction<Sums> measure) {
        this.wire = wire;
        this.measure = measure;
    }

    public double of(Sums usage) {
        return measure.applyAsDouble(usage);
    }

    public String wireName() {
        return wire;
    }

    public static String accepted() {
        return Arrays.stream(values()).map(Metric::wireName).collect(Collectors.joining(", "));
    }

    public static Metric fromWire(String name) {
        for (Metric m : values()) {
            if (m.wire.equals(name)) {
                return m;
            }
        }
        throw GantryException.invalid("metric must be one of " + accepted() + "; got '" + name + "'");
    }
}
