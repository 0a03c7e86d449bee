package io.gantry.agent.usage;

import io.gantry.common.GantryException;
import io.gantry.tls.CaTrust;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Knobs of usage metering on a node.
 *
 * @param journalDir      where the journal lives ({@code <stateDir>/usage} by default)
 * @param sampleInterval  time between ticks (1 s)
 * @param segmentBytes    a journal segment is closed at this size (1 MiB)
 * @param maxJournalBytes above this the oldest unacknowledged segments are thinned (256 MiB)
 * @param batchRecords    records per batch sent to metering (2,000)
 * @param shipInterval    time between shipments while there is no backlog (1 s)
 * @param backoffInitial  first wait after a failed shipment (1 s), doubling up to
 * @param backoffMax      (30 s)
 * @param connectTimeout  HTTP connect timeout (2 s)
 * @param requestTimeout  HTTP request timeout, answer included (10 s)
 * @param meteringCa      a PEM file of the CA(s) that signed metering's HTTPS certificate, trusted instead of the
 *                        JDK's; null: the JDK's trusted CAs
 */
public record UsageConfig(Path journalDir, Duration sampleInterval, long segmentBytes, long maxJournalBytes,
                          int batchRecords, Duration shipInterval, Duration backoffInitial, Duration backoffMax,
                          Duration connectTimeout, Duration requestTimeout, Path meteringCa) {

    public UsageConfig {
        if (sampleInterval.isZero() || sampleInterval.isNegative()) {
            throw GantryException.invalid("the usage sample interval must be positive; got " + sampleInterval.toMillis() + " ms");
        }
    }

    public static UsageConfig defaults(Path stateDir) {
        return new UsageConfig(stateDir.resolve("usage"), Duration.ofSeconds(1), UsageJournal.DEFAULT_SEGMENT_BYTES,
                UsageJournal.DEFAULT_MAX_BYTES, 2000, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(2), Duration.ofSeconds(10), null);
    }

    public UsageConfig withSampleInterval(Duration d) {
        return new UsageConfig(journalDir, d, segmentBytes, maxJournalBytes, batchRecords, shipInterval, backoffInitial,
                backoffMax, connectTimeout, requestTimeout, meteringCa);
    }

    public UsageConfig withJournal(long segmentBytes, long maxJournalBytes) {
        return new UsageConfig(journalDir, sampleInterval, segmentBytes, maxJournalBytes, batchRecords, shipInterval,
                backoffInitial, backoffMax, connectTimeout, requestTimeout, meteringCa);
    }

    public UsageConfig withShipping(int batchRecords, Duration shipInterval, Duration backoffInitial, Duration backoffMax) {
        return new UsageConfig(journalDir, sampleInterval, segmentBytes, maxJournalBytes, batchRecords, shipInterval,
                backoffInitial, backoffMax, connectTimeout, requestTimeout, meteringCa);
    }

    /** Metering's HTTPS certificate is checked against the CA(s) in {@code pem} (null: the JDK's trusted CAs). */
    public UsageConfig withMeteringCa(Path pem) {
        return new UsageConfig(journalDir, sampleInterval, segmentBytes, maxJournalBytes, batchRecords, shipInterval,
                backoffInitial, backoffMax, connectTimeout, requestTimeout, pem);
    }

    /** The shipper's options; IllegalArgumentException (one line) if the metering CA file holds no certificate. */
    public UsageShipper.Options shipperOptions() {
        return new UsageShipper.Options(batchRecords, shipInterval, backoffInitial, backoffMax, connectTimeout, requestTimeout,
                meteringCa == null ? null : CaTrust.of(meteringCa));
    }
}
