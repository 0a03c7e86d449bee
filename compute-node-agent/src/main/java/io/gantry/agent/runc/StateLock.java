package io.gantry.agent.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes changes to one agent's zones, between threads of this JVM and between processes (the
 * agent and operator CLI calls on the same node).
 */
final class StateLock {
    private final Path file;
    private final ReentrantLock local = new ReentrantLock();

    StateLock(Path stateDir) {
        this.file = stateDir.resolve("lock");
    }

    Held acquire() {
        local.lock();
        if (local.getHoldCount() > 1) {
            return new Held(null, null); // this thread holds the file lock already
        }
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new Held(ch, ch.lock());
        } catch (IOException e) {
            local.unlock();
            throw new UncheckedIOException(e);
        }
    }

    final class Held implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                if (channel != null) {
                    lock.release();
                    channel.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                local.unlock();
            }
        }
    }
}
