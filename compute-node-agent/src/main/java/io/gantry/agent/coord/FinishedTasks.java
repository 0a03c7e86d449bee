package io.gantry.agent.coord;

import io.gantry.agent.host.DurableFiles;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.coord.TaskResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's durable memory of finished tasks: one file per task,
 * {@code <stateDir>/tasks/finished/<taskId>.json}, written atomically and fsync'd, so a task
 * redelivered after an agent restart is answered with its result instead of being done again.
 * Only the newest {@code keep} results are kept.
 */
public final class FinishedTasks {
    public static final int DEFAULT_KEEP = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(FinishedTasks.class);
    private static final String SUFFIX = ".json";

    private final Path dir;
    private final int keep;
    /** Task ids oldest first. */
    private final LinkedHashSet<UUID> ids = new LinkedHashSet<>();

    public FinishedTasks(Path stateDir) {
        this(stateDir, DEFAULT_KEEP);
    }

    public FinishedTasks(Path stateDir, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1");
        }
        this.dir = stateDir.resolve("tasks").resolve("finished");
        this.keep = keep;
        load();
        prune();
    }

    public synchronized Optional<TaskResult> find(UUID taskId) {
        if (!ids.contains(taskId)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(Files.readString(file(taskId)), TaskResult.class));
        } catch (NoSuchFileException e) {
            ids.remove(taskId);
            return Optional.empty();
        } catch (IOException | GantryException e) {
            LOG.warn("finished task {} cannot be read ({}): it counts as not finished", taskId, e.getMessage());
            return Optional.empty();
        }
    }

    /** Returns once the result is on disk. */
    public synchronized void record(TaskResult result) {
        DurableFiles.write(file(result.taskId()), Json.write(result));
        ids.remove(result.taskId());
        ids.add(result.taskId());
        prune();
    }

    public synchronized int size() {
        return ids.size();
    }

    private Path file(UUID taskId) {
        return dir.resolve(taskId + SUFFIX);
    }

    private void load() {
        try {
            Files.createDirectories(dir);
            record Entry(UUID id, FileTime modified) {
            }
            List<Entry> entries;
            try (Stream<Path> files = Files.list(dir)) {
                entries = files.map(f -> {
                    String name = f.getFileName().toString();
                    if (!name.endsWith(SUFFIX)) {
                        return null; // a .tmp a crash left behind: DurableFiles rewrites it on the next write
                    }
                    try {
                        return new Entry(UUID.fromString(name.substring(0, name.length() - SUFFIX.length())),
                                Files.getLastModifiedTime(f));
                    } catch (IllegalArgumentException | IOException e) {
                        return null;
                    }
                }).filter(e -> e != null).sorted(Comparator.comparing(Entry::modified)).toList();
            }
            entries.forEach(e -> ids.add(e.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read finished tasks in " + dir, e);
        }
    }

    private void prune() {
        var oldest = ids.iterator();
        while (ids.size() > keep) {
            UUID id = oldest.next();
            oldest.remove();
            try {
                Files.deleteIfExists(file(id));
            } catch (IOException e) {
                LOG.warn("cannot remove old finished task {}: {}", id, e.getMessage());
            }
        }
    }
}
