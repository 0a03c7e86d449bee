package io.gantry.agent.usage;

import io.gantry.agent.ZoneBackend;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Usage metering on a node, wired: journal (recovered at start), meter (resumed from the journal),
 * sampler (a tick every {@code sampleInterval}), shipper (to metering) and Micrometer meters.
 * Hand {@link #backend()} to whatever stops, reboots, updates or deletes zones, so the tail of
 * every run is sampled and deleted zones get their final record.
 *
 * <p>Meters, all tagged {@code node}: {@code gantry.usage.samples} (zone readings taken),
 * {@code gantry.usage.records.journaled}, {@code gantry.usage.journal.bytes},
 * {@code gantry.usage.backlog} (records not yet acknowledged), {@code gantry.usage.records.shipped}
 * (sent, retries included), {@code gantry.usage.records.acked}, {@code gantry.usage.ship.failures},
 * {@code gantry.usage.records.rejected} (refused by metering for good and set aside, see {@link UsageShipper}).
 */
public final class UsageMetering implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UsageMetering.class);

    private final UsageJournal journal;
    private final UsageMeter meter;
    private final UsageSampler sampler;
    private final UsageShipper shipper;
    private final MeteredZoneBackend backend;
    private final MeteringEndpoints endpoints;
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private UsageMetering(UsageJournal journal, UsageMeter meter, UsageSampler sampler, UsageShipper shipper,
                          MeteredZoneBackend backend, MeteringEndpoints endpoints, MeterRegistry registry) {
        this.journal = journal;
        this.meter = meter;
        this.sampler = sampler;
        this.shipper = shipper;
        this.backend = backend;
        this.endpoints = endpoints;
        this.registry = registry;
    }

    /**
     * Starts metering the zones of {@code backend} (which must implement
     * {@link ZoneBackend#currentRun}). Takes ownership of {@code endpoints} (closed with this);
     * with {@link MeteringEndpoints#NONE} usage is journaled and not shipped.
     */
    public static UsageMetering start(ZoneBackend backend, String node, UsageConfig config, MeteringEndpoints endpoints,
                                      MeterRegistry registry) {
        return start(backend, node, config, endpoints, registry, Clock.systemUTC());
    }

    public static UsageMetering start(ZoneBackend backend, String node, UsageConfig config, MeteringEndpoints endpoints,
                                      MeterRegistry registry, Clock clock) {
        UsageJournal journal = UsageJournal.open(config.journalDir(), config.segmentBytes(), config.maxJournalBytes());
        UsageMetering metering;
        try {
            UsageMeter meter = new UsageMeter(node);
            journal.resumable().forEach(meter::restore);
            UsageJournal.Recovery r = journal.recovery();
            LOG.info("node {}: usage journal {}: {} segments, {} unacknowledged records, {} zones resumed{}", node,
                    config.journalDir(), r.segments(), r.unacked(), r.zones(),
                    r.truncatedBytes() > 0 ? ", " + r.truncatedBytes() + " torn bytes cut" : "");
            UsageSampler sampler = new UsageSampler(backend, meter, journal, clock, config.sampleInterval());
            UsageShipper shipper = new UsageShipper(node, journal, endpoints, config.shipperOptions(),
                    ended -> ended.forEach(meter::forget));
            metering = new UsageMetering(journal, meter, sampler, shipper, new MeteredZoneBackend(backend, sampler),
                    endpoints, registry);
        } catch (RuntimeException e) {
            journal.close();
            throw e;
        }
        try {
            metering.register(node);
            metering.sampler.start(node);
            if (endpoints != MeteringEndpoints.NONE) {
                metering.shipper.start();
            } else {
                LOG.info("node {}: usage is journaled but not shipped (no metering endpoints)", node);
            }
        } catch (RuntimeException e) {
            metering.close();
            throw e;
        }
        return metering;
    }

    private void register(String node) {
        Tags tags = Tags.of("node", node);
        meters.add(FunctionCounter.builder("gantry.usage.samples", sampler, UsageSampler::samplesTaken)
                .description("zone usage readings taken").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("gantry.usage.records.journaled", sampler, UsageSampler::recordsJournaled)
                .description("usage records appended to the node's journal").tags(tags).register(registry));
        meters.add(Gauge.builder("gantry.usage.journal.bytes", journal, UsageJournal::bytes)
                .description("bytes of the usage journal on disk").baseUnit("bytes").tags(tags).register(registry));
        meters.add(Gauge.builder("gantry.usage.backlog", journal, UsageJournal::backlog)
                .description("usage records not yet acknowledged by metering").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("gantry.usage.records.shipped", shipper, UsageShipper::recordsShipped)
                .description("usage records sent to metering, retries included").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("gantry.usage.records.acked", shipper, UsageShipper::recordsAcked)
                .description("usage records metering acknowledged").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("gantry.usage.ship.failures", shipper, UsageShipper::shipFailures)
                .description("failed attempts to ship usage").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("gantry.usage.records.rejected", shipper, UsageShipper::recordsRejected)
                .description("usage records metering refused for good, set aside in the journal's " + UsageShipper.REJECTED_FILE)
                .tags(tags).register(registry));
    }

    /** The backend to use for every zone change: it samples before stop, reboot, update and delete. */
    public MeteredZoneBackend backend() {
        return backend;
    }

    /** Takes one tick now (besides the scheduled ones); returns the records journaled. */
    public int sampleNow() {
        return sampler.sampleAll();
    }

    /** Ships at once rather than at the next interval. */
    public void shipNow() {
        shipper.wakeUp();
    }

    public UsageJournal journal() {
        return journal;
    }

    public UsageMeter meter() {
        return meter;
    }

    public long samplesTaken() {
        return sampler.samplesTaken();
    }

    public long recordsJournaled() {
        return sampler.recordsJournaled();
    }

    public long journalBytes() {
        return journal.bytes();
    }

    public long backlog() {
        return journal.backlog();
    }

    public long recordsShipped() {
        return shipper.recordsShipped();
    }

    public long recordsAcked() {
        return shipper.recordsAcked();
    }

    /** Why the last attempt to ship usage failed, or null if none has. */
    public String lastShipFailure() {
        return shipper.lastFailure();
    }

    public long shipFailures() {
        return shipper.shipFailures();
    }

    public long recordsRejected() {
        return shipper.recordsRejected();
    }

    /** Stops sampling and shipping and closes the journal; zones keep running, unshipped usage stays journaled. */
    @Override
    public void close() {
        sampler.close();
        shipper.close();
        try {
            endpoints.close();
        } catch (RuntimeException e) {
            LOG.warn("cannot close the metering endpoints: {}", e.toString());
        }
        journal.close();
        meters.forEach(registry::remove);
    }
}
