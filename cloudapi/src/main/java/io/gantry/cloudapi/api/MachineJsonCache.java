package io.gantry.cloudapi.api;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each listed machine's JSON as last written, by id, with the version it was written from ({@code MachineVersion}); one
 * per cloud API instance, shared by its event loops. An entry is used only for the very version it was made from, so
 * nothing needs invalidating: a changed machine has a new version, and its old entry is replaced. At most
 * {@code maxBytes}; past that, entries are dropped in no particular order until a quarter is free.
 */
public final class MachineJsonCache {
    /** About 40,000 machines' JSON of the usual size. */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;
    private static final int ENTRY_OVERHEAD = 96;

    private record Entry(String version, byte[] json) {
        long size() {
            return json.length + 2L * version.length() + ENTRY_OVERHEAD;
        }
    }

    private final ConcurrentHashMap<UUID, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;

    public MachineJsonCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The JSON written for this machine at this version, or null. */
    byte[] get(UUID id, String version) {
        Entry e = entries.get(id);
        return e != null && e.version.equals(version) ? e.json : null;
    }

    void put(UUID id, String version, byte[] json) {
        Entry entry = new Entry(version, json);
        if (entry.size() > maxBytes) {
            return;
        }
        Entry old = entries.put(id, entry);
        if (bytes.addAndGet(entry.size() - (old == null ? 0 : old.size())) > maxBytes) {
            trim();
        }
    }

    /** Drops every entry (benchmarks measure the list without them). */
    public void clear() {
        entries.clear();
        bytes.set(0);
    }

    /** The bytes the entries take, as counted. */
    long bytes() {
        return bytes.get();
    }

    int size() {
        return entries.size();
    }

    private synchronized void trim() {
        var it = entries.entrySet().iterator();
        while (bytes.get() > maxBytes * 3 / 4 && it.hasNext()) {
            var e = it.next();
            if (entries.remove(e.getKey(), e.getValue())) {
                bytes.addAndGet(-e.getValue().size());
            }
        }
    }
}
