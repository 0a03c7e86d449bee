package io.gantry.common.usage;

import java.util.List;
import java.util.UUID;

/**
 * Metering's answer to a {@link UsageBatch}: for each zone in it, the highest sequence number now
 * stored. The agent may forget that zone's records up to {@code through}.
 */
public record UsageAck(List<Stored> acked) {

    public record Stored(UUID zone, long through) {
    }
}
