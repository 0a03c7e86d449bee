package io.gantry.agent.runc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The loop device a mounted filesystem is on, found from its device number through sysfs (no listing). */
record LoopDevice(String device, boolean autoclear) {
    private static final long LOOP_MAJOR = 7;

    /** The loop device of {@code stDev} (a mounted filesystem's st_dev), if it is one. */
    static Optional<LoopDevice> of(long stDev) {
        long major = ((stDev >>> 8) & 0xfff) | ((stDev >>> 32) & ~0xfffL);
        long minor = (stDev & 0xff) | ((stDev >>> 12) & ~0xffL);
        if (major != LOOP_MAJOR) {
            return Optional.empty();
        }
        Path sys = Path.of("/sys/dev/block", major + ":" + minor);
        try {
            String name = sys.toRealPath().getFileName().toString();
            boolean autoclear = Files.readString(sys.resolve("loop/autoclear")).strip().equals("1");
            return Optional.of(new LoopDevice("/dev/" + name, autoclear));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
