package io.gantry.agent.usage;

import io.gantry.common.usage.UsageAck;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The highest seq metering acknowledged per zone, kept in the journal's {@code acks} file (magic
 * {@code GZUACKS1}, one frame: a varint count, then per zone its UUID and a varint seq), replaced
 * durably whenever it changes. Not thread-safe: {@link UsageJournal} guards it.
 */
final class AckState {
    private static final Logger LOG = LoggerFactory.getLogger(UsageJournal.class);

    private final OneFrameFile file;
    private final Map<UUID, Long> acked = new HashMap<>();

    AckState(Path dir) {
        this.file = new OneFrameFile(dir, "acks", "GZUACKS1");
    }

    /** Reads the {@code acks} file; a damaged one counts as no acknowledgements (metering ignores what it gets twice). */
    void load() {
        byte[] payload = file.read();
        if (payload == null) {
            return;
        }
        Map<UUID, Long> read = new HashMap<>();
        try {
            EntryCodec.In in = new EntryCodec.In(payload);
            long n = in.varint();
            for (long i = 0; i < n; i++) {
                read.put(in.uuid(), in.varint());
            }
        } catch (EntryCodec.MalformedEntryException e) {
            LOG.warn("usage journal {}: the acknowledgements do not decode ({}); unacknowledged records will be "
                    + "sent again, which metering ignores", file.dir(), e.getMessage());
            read.clear();
        }
        acked.putAll(read);
    }

    /** The highest acknowledged seq of a zone, 0 if none. */
    long of(UUID zone) {
        return acked.getOrDefault(zone, 0L);
    }

    boolean covers(UsageEntry e) {
        return e.seq() <= of(e.zone());
    }

    /** Takes what metering stored; writes the file if that moved any zone forwards, and says whether it did. */
    boolean advance(UsageAck ack) {
        boolean changed = false;
        for (UsageAck.Stored s : ack.acked()) {
            if (s.through() > of(s.zone())) {
                acked.put(s.zone(), s.through());
                changed = true;
            }
        }
        if (changed) {
            write();
        }
        return changed;
    }

    /** Drops zones the journal no longer knows of, and writes the file. */
    void forget(Collection<UUID> zones) {
        zones.forEach(acked::remove);
        write();
    }

    long fileBytes() {
        return file.size();
    }

    private void write() {
        EntryCodec.Out out = new EntryCodec.Out(16 + acked.size() * 24);
        out.varint(acked.size());
        acked.forEach((zone, through) -> {
            out.uuid(zone);
            out.varint(through);
        });
        file.write(out.toArray());
    }
}
