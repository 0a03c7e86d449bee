package io.gantry.agent.usage;

import io.gantry.common.usage.UsageRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last entry of every zone the journal still knows of (live, or ended and not yet pruned), and
 * its copy in the {@code checkpoint} file (magic {@code GZUCKPT1}, one frame of
 * {@link EntryCodec binary entries}), written durably before any segment is deleted so the meter
 * resumes seq and counters even when every segment holding a zone is gone. Not thread-safe:
 * {@link UsageJournal} guards it.
 */
final class Checkpoint {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    private final Map<UUID, UsageEntry> latest = new HashMap<>();
    private final OneFrameFile file;

    Checkpoint(Path dir) {
        this.file = new OneFrameFile(dir, "checkpoint", "GZUCKPT1");
    }

    void load() {
        latest.putAll(read());
    }

    /** Takes an entry as its zone's last unless the zone already has a later one. */
    void keep(UsageEntry e) {
        latest.merge(e.zone(), e, (old, added) -> added.seq() > old.seq() ? added : old);
    }

    UsageEntry latest(UUID zone) {
        return latest.get(zone);
    }

    Collection<UsageEntry> entries() {
        return latest.values();
    }

    int zones() {
        return latest.size();
    }

    /** Drops zones the journal no longer needs, and writes the file. */
    void forget(Collection<UUID> zones) {
        zones.forEach(latest::remove);
        write();
    }

    void write() {
        file.write(EntryCodec.encode(new EntryCodec.State(), new ArrayList<>(latest.values())));
    }

    /** The file's entries by zone (empty if it is missing or damaged). */
    Map<UUID, UsageEntry> read() {
        Map<UUID, UsageEntry> entries = new HashMap<>();
        byte[] payload = file.read();
        if (payload != null) {
            try {
                for (UsageEntry e : EntryCodec.decode(new EntryCodec.State(), payload)) {
                    entries.put(e.zone(), e);
                }
            } catch (EntryCodec.MalformedEntryException e) {
                LOG.error("usage journal {}: the checkpoint does not decode ({}); zones whose segments are all gone "
                        + "will start again from seq 1", file.dir(), e.getMessage());
            }
        }
        return entries;
    }

    long fileBytes() {
        return file.size();
    }

    /** The last entry of every zone the meter should resume (zones whose final record is acknowledged are left out). */
    List<UsageEntry> resumable(AckState acks) {
        List<UsageEntry> out = new ArrayList<>();
        for (UsageEntry e : latest.values()) {
            long ack = acks.of(e.zone());
            if (e.record().last() && e.seq() <= ack) {
                continue;
            }
            if (ack > e.seq()) {
                // metering stored records this journal no longer has (a damaged segment was cut): never reuse a seq
                LOG.warn("zone {}: metering acknowledged seq {} but the journal's last entry is {}; resuming after {}",
                        e.zone(), ack, e.seq(), ack);
                e = withSeq(e, ack);
            }
            out.add(e);
        }
        return out;
    }

    private static UsageEntry withSeq(UsageEntry e, long seq) {
        UsageRecord r = e.record();
        return new UsageEntry(new UsageRecord(r.zone(), seq, r.tenant(), r.node(), r.packageName(), r.timeMillis(),
                r.runningMillis(), r.cpuNanos(), r.memoryBytes(), r.memoryPeakBytes(), r.memoryByteSeconds(), r.diskUsedBytes(),
                r.diskByteSeconds(), r.netRxBytes(), r.netTxBytes(), r.oomKills(), r.forksRefused(), r.last()),
                e.incarnation(), e.raw(), e.memoryByteMillisRemainder(), e.diskByteMillisRemainder());
    }
}
