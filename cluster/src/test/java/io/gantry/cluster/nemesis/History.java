package io.gantry.cluster.nemesis;

import io.gantry.common.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The append-only record of a run: every operation every client invoked and how it completed, and every fault the
 * nemesis applied, in the order they happened. Appends are serialized, so the order of the entries is the order of
 * their times. With a file, each entry is also written there at once as one JSON line (flushed), so the history of a
 * run that died or failed can be read, and checked again with {@link #read(Path)}.
 */
public final class History implements AutoCloseable {
    private final List<Op> ops = new ArrayList<>();
    private final BufferedWriter file;

    private History(BufferedWriter file) {
        this.file = file;
    }

    /** A history kept in memory only. */
    public static History inMemory() {
        return new History(null);
    }

    /** A history also written to {@code jsonLines}, one entry a line (the file is replaced). */
    public static History toFile(Path jsonLines) {
        try {
            return new History(Files.newBufferedWriter(jsonLines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the history to " + jsonLines, e);
        }
    }

    /** A history read back from the JSON lines a run wrote. */
    public static List<Op> read(Path jsonLines) {
        try (var lines = Files.lines(jsonLines, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).map(l -> Json.read(l, Op.class)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the history " + jsonLines, e);
        }
    }

    public Op invoke(String process, Op.Action action, UUID machine, String argument) {
        return append(process, Op.Type.INVOKE, action, machine, argument, null);
    }

    /** The completion of {@code invoked}: same process, action, machine and argument. */
    public Op complete(Op invoked, Op.Type type, String answer) {
        if (invoked.type() != Op.Type.INVOKE) {
            throw new IllegalArgumentException("only an invoke is completed, not " + invoked.describe());
        }
        if (type == Op.Type.INVOKE) {
            throw new IllegalArgumentException("a completion is ok, fail or info");
        }
        return append(invoked.process(), type, invoked.action(), invoked.machine(), invoked.argument(), answer);
    }

    public synchronized Op append(String process, Op.Type type, Op.Action action, UUID machine, String argument, String answer) {
        Op op = new Op(ops.size(), System.currentTimeMillis(), process, type, action, machine, argument, answer);
        ops.add(op);
        if (file != null) {
            try {
                file.write(Json.write(op));
                file.newLine();
                file.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the history file", e);
            }
        }
        return op;
    }

    /** The entries so far, oldest first. */
    public synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    @Override
    public synchronized void close() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the history file", e);
            }
        }
    }
}
