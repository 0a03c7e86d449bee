package io.gantry.agent.usage;

import io.gantry.common.usage.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The journal's binary form of entries, kept small because a node writes one per zone per second.
 * Each entry is coded against the previous entry of the same zone in the same stream (a segment, or
 * the checkpoint), so a steady zone costs about 40 bytes a second instead of ~250 as JSON:
 *
 * <pre>
 * flags    1 byte: 0x01 last, 0x02 tenant follows, 0x04 node follows, 0x08 package follows,
 *                  0x10 incarnation follows, 0x20 incarnation is null (else: as before)
 * zone     varint: 0 = a zone new to this stream, its 16-byte UUID follows; k = the stream's k-th zone
 * strings  varint length + UTF-8, for each flag set, in that order
 * numbers  zigzag varints, each the difference from the zone's previous entry (from 0 for its first):
 *          seq, time, running ms, cpu ns, memory, memory peak, memory byte-s, disk used, disk byte-s,
 *          net rx, net tx, oom kills, refused forks, then total - raw for the five kernel counters
 *          (constant within a run), then the two byte-ms remainders
 * </pre>
 *
 * Streams are decoded from their start; a {@link State} holds what the coding refers back to.
 */
final class EntryCodec {
    private static final int LAST = 0x01;
    private static final int TENANT = 0x02;
    private static final int NODE = 0x04;
    private static final int PACKAGE = 0x08;
    private static final int INCARNATION = 0x10;
    private static final int NO_INCARNATION = 0x20;
    private static final int MAX_STRING = 4096;
    private static final int NUMBERS = 20;

    private EntryCodec() {
    }

    /** What a stream's entries refer back to: its zones in order of appearance and each zone's previous entry. */
    static final class State {
        private final List<UUID> zones;
        private final Map<UUID, Integer> index;
        private final Map<UUID, UsageEntry> previous;

        State() {
            this(new ArrayList<>(), new HashMap<>(), new HashMap<>());
        }

        private State(List<UUID> zones, Map<UUID, Integer> index, Map<UUID, UsageEntry> previous) {
            this.zones = zones;
            this.index = index;
            this.previous = previous;
        }

        State copy() {
            return new State(new ArrayList<>(zones), new HashMap<>(index), new HashMap<>(previous));
        }
    }

    /** Thrown when bytes that passed their checksum still do not decode (a bug or a foreign file). */
    static final class MalformedEntryException extends RuntimeException {
        MalformedEntryException(String message) {
            super(message);
        }
    }

    static byte[] encode(State state, List<UsageEntry> entries) {
        Out out = new Out(64 + entries.size() * 48);
        out.varint(entries.size());
        for (UsageEntry e : entries) {
            encode(state, e, out);
        }
        return out.toArray();
    }

    static List<UsageEntry> decode(State state, byte[] payload) {
        In in = new In(payload);
        long count = in.varint();
        if (count < 0 || count > payload.length) {
            throw new MalformedEntryException("entry count " + count + " in a payload of " + payload.length + " bytes");
        }
        List<UsageEntry> entries = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
            entries.add(decode(state, in));
        }
        if (in.pos != payload.length) {
            throw new MalformedEntryException((payload.length - in.pos) + " bytes left over after " + count + " entries");
        }
        return entries;
    }

    private static void encode(State state, UsageEntry e, Out out) {
        UsageRecord r = e.record();
        UsageEntry prev = state.previous.get(r.zone());
        UsageRecord p = prev == null ? null : prev.record();
        int flags = r.last() ? LAST : 0;
        if (p == null || !p.tenant().equals(r.tenant())) {
            flags |= TENANT;
        }
        if (p == null || !p.node().equals(r.node())) {
            flags |= NODE;
        }
        if (p == null || !p.packageName().equals(r.packageName())) {
            flags |= PACKAGE;
        }
        if (e.incarnation() == null) {
            if (prev == null || prev.incarnation() != null) {
                flags |= NO_INCARNATION;
            }
        } else if (prev == null || !e.incarnation().equals(prev.incarnation())) {
            flags |= INCARNATION;
        }
        out.raw(flags);
        Integer known = state.index.get(r.zone());
        if (known == null) {
            out.varint(0);
            out.uuid(r.zone());
            state.index.put(r.zone(), state.zones.size());
            state.zones.add(r.zone());
        } else {
            out.varint(known + 1L);
        }
        if ((flags & TENANT) != 0) {
            out.string(r.tenant());
        }
        if ((flags & NODE) != 0) {
            out.string(r.node());
        }
        if ((flags & PACKAGE) != 0) {
            out.string(r.packageName());
        }
        if ((flags & INCARNATION) != 0) {
            out.string(e.incarnation());
        }
        long[] now = numbers(e);
        long[] before = prev == null ? new long[NUMBERS] : numbers(prev);
        for (int i = 0; i < NUMBERS; i++) {
            out.zigzag(now[i] - before[i]);
        }
        state.previous.put(r.zone(), e);
    }

    private static UsageEntry decode(State state, In in) {
        int flags = in.raw();
        long ref = in.varint();
        UUID zone;
        if (ref == 0) {
            zone = in.uuid();
            if (state.index.containsKey(zone)) {
                throw new MalformedEntryException("zone " + zone + " introduced twice");
            }
            state.index.put(zone, state.zones.size());
            state.zones.add(zone);
        } else if (ref > 0 && ref <= state.zones.size()) {
            zone = state.zones.get((int) (ref - 1));
        } else {
            throw new MalformedEntryException("zone reference " + ref + " out of range");
        }
        UsageEntry prev = state.previous.get(zone);
        UsageRecord p = prev == null ? null : prev.record();
        String tenant = (flags & TENANT) != 0 ? in.string() : p == null ? missing("tenant") : p.tenant();
        String node = (flags & NODE) != 0 ? in.string() : p == null ? missing("node") : p.node();
        String pkg = (flags & PACKAGE) != 0 ? in.string() : p == null ? missing("package") : p.packageName();
        String incarnation;
        if ((flags & INCARNATION) != 0) {
            incarnation = in.string();
        } else if ((flags & NO_INCARNATION) != 0) {
            incarnation = null;
        } else {
            incarnation = prev == null ? missing("incarnation") : prev.incarnation();
        }
        long[] before = prev == null ? new long[NUMBERS] : numbers(prev);
        long[] n = new long[NUMBERS];
        for (int i = 0; i < NUMBERS; i++) {
            n[i] = before[i] + in.zigzag();
        }
        UsageRecord r = new UsageRecord(zone, n[0], tenant, node, pkg, n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8],
                n[9], n[10], n[11], n[12], (flags & LAST) != 0);
        KernelCounters raw = new KernelCounters(n[3] - n[13], n[9] - n[14], n[10] - n[15], n[11] - n[16], n[12] - n[17]);
        UsageEntry e = new UsageEntry(r, incarnation, raw, n[18], n[19]);
        state.previous.put(zone, e);
        return e;
    }

    private static long[] numbers(UsageEntry e) {
        UsageRecord r = e.record();
        KernelCounters k = e.raw();
        return new long[] {r.seq(), r.timeMillis(), r.runningMillis(), r.cpuNanos(), r.memoryBytes(), r.memoryPeakBytes(),
                r.memoryByteSeconds(), r.diskUsedBytes(), r.diskByteSeconds(), r.netRxBytes(), r.netTxBytes(), r.oomKills(),
                r.forksRefused(), r.cpuNanos() - k.cpuNanos(), r.netRxBytes() - k.netRxBytes(), r.netTxBytes() - k.netTxBytes(),
                r.oomKills() - k.oomKills(), r.forksRefused() - k.forksRefused(), e.memoryByteMillisRemainder(),
                e.diskByteMillisRemainder()};
    }

    private static String missing(String what) {
        throw new MalformedEntryException("an entry leaves out its " + what + " but its zone has no earlier entry");
    }

    /** A growable byte buffer with varint writers. */
    static final class Out {
        private byte[] buf;
        private int len;

        Out(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        void raw(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void varint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void zigzag(long v) {
            varint((v << 1) ^ (v >> 63));
        }

        void uuid(UUID u) {
            long8(u.getMostSignificantBits());
            long8(u.getLeastSignificantBits());
        }

        void long8(long v) {
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                buf[len++] = (byte) (v >>> (i * 8));
            }
        }

        void string(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            varint(b.length);
            bytes(b);
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    /** Reads what {@link Out} wrote; any overrun is a {@link MalformedEntryException}. */
    static final class In {
        private final byte[] buf;
        private int pos;

        In(byte[] buf) {
            this.buf = buf;
        }

        int raw() {
            if (pos >= buf.length) {
                throw new MalformedEntryException("entry cut short");
            }
            return buf[pos++] & 0xFF;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = raw();
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw new MalformedEntryException("varint longer than 10 bytes");
        }

        long zigzag() {
            long v = varint();
            return (v >>> 1) ^ -(v & 1);
        }

        long long8() {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | raw();
            }
            return v;
        }

        UUID uuid() {
            return new UUID(long8(), long8());
        }

        String string() {
            long n = varint();
            if (n < 0 || n > MAX_STRING || pos + n > buf.length) {
                throw new MalformedEntryException("string of " + n + " bytes does not fit");
            }
            String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
            pos += (int) n;
            return s;
        }

        boolean atEnd() {
            return pos == buf.length;
        }
    }
}
