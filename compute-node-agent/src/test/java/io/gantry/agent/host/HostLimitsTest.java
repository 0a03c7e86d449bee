package io.gantry.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.limits.NodeLimits;
import io.gantry.common.limits.OverprovisionRatios;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's figures as the kernel states them (read here independently of HostLimits). */
class HostLimitsTest {
    @TempDir
    Path dir;

    @Test
    void readsMemTotalSwapFreeDiskCpusAndKernelLimits() throws Exception {
        NodeLimits limits = HostLimits.read(dir, new OverprovisionRatios(1.5, 2.0));
        String memTotal = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:")).findFirst().orElseThrow();
        assertThat(limits.memoryMiB()).isEqualTo(Long.parseLong(memTotal.replaceAll("\\D", "")) / 1024);
        assertThat(limits.swapSpaceMiB()).isNotNegative();
        long free = Files.getFileStore(dir).getUsableSpace() >> 20;
        assertThat(limits.freeDiskMiB()).as("free space moves a little while tests run").isBetween(free - 1024, free + 1024);
        assertThat(limits.cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(limits.pidMax()).isEqualTo(kernel("pid_max"));
        assertThat(limits.threadsMax()).isEqualTo(kernel("threads-max"));
        assertThat(limits.usableMemoryMiB()).isEqualTo((long) Math.floor(limits.memoryMiB() * 1.5));
        assertThat(limits.usableDiskMiB()).isEqualTo((long) Math.floor(limits.freeDiskMiB() * 2.0));
    }

    private static long kernel(String name) throws Exception {
        try (var in = Files.newInputStream(Path.of("/proc/sys/kernel", name))) {
            return Long.parseLong(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
    }

    @Test
    void kernelLimitsAreReadWhole() {
        assertThat(HostLimits.kernelNumber("pid_max")).as("JDK 17's Files.readString gives one byte of a procfs file").isGreaterThanOrEqualTo(301);
    }
}
