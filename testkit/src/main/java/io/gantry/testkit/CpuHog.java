package io.gantry.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Full CPU load: {@code perCore} busy-looping {@code sh} processes per core the JVM sees, so every runnable thread of
 * the host (the process under test among them) competes for its share. Closing kills exactly the loops it started.
 */
public final class CpuHog implements AutoCloseable {
    private final List<Process> loops = new ArrayList<>();

    private CpuHog() {
    }

    public static CpuHog start(int perCore) throws IOException {
        CpuHog hog = new CpuHog();
        try {
            for (int i = 0; i < perCore * Runtime.getRuntime().availableProcessors(); i++) {
                hog.loops.add(new ProcessBuilder("sh", "-c", "while :; do :; done").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            return hog;
        } catch (IOException e) {
            hog.close();
            throw e;
        }
    }

    public int processes() {
        return loops.size();
    }

    @Override
    public void close() {
        for (Process p : loops) {
            p.destroyForcibly();
        }
        for (Process p : loops) {
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
