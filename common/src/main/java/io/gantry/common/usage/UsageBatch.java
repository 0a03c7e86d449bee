package io.gantry.common.usage;

import java.util.List;

/**
 * What an agent sends to metering ({@code POST /v1/usage}): records in sequence order per zone.
 * Metering answers with a {@link UsageAck} once every record is committed; sending the same batch
 * again changes nothing.
 */
public record UsageBatch(String node, List<UsageRecord> records) {
}
