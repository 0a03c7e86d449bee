package io.gantry.agent.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * runc's {@code state.json} per container, parsed again only when runc has replaced the file. The
 * file holds the container's whole config (kilobytes) and is looked at on every {@code initPid} and
 * whenever metering looks up a zone's run (a stopped zone: every tick), while it changes only when
 * the container is created or restarted: a stat tells. runc writes
 * it by rename, so a new version has a new inode and a new modification time.
 */
final class RuncStateCache {
    private record Entry(Object fileKey, FileTime modified, Optional<RuncStateFile.Init> init) {
    }

    private final Path runcRoot;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    RuncStateCache(Path runcRoot) {
        this.runcRoot = runcRoot;
    }

    /** Drops what is known of a container that is gone for good (deleted): nothing would look it up again. */
    void forget(String containerId) {
        entries.remove(containerId);
    }

    /** As {@link RuncStateFile#read}, from the last parse while the file is the same. */
    Optional<RuncStateFile.Init> read(String containerId) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(RuncStateFile.path(runcRoot, containerId), BasicFileAttributes.class);
        } catch (IOException e) {
            entries.remove(containerId);
            return Optional.empty();
        }
        Entry cached = entries.get(containerId);
        if (cached != null && Objects.equals(cached.fileKey(), attrs.fileKey()) && cached.modified().equals(attrs.lastModifiedTime())) {
            return cached.init();
        }
        Optional<RuncStateFile.Init> init = RuncStateFile.read(runcRoot, containerId);
        // replaced between the stat and the read: the next call sees a new key and parses again
        entries.put(containerId, new Entry(attrs.fileKey(), attrs.lastModifiedTime(), init));
        return init;
    }
}
