package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CounterFile}: one positional read from offset 0 sees the file as it is now, parsed as the kernel writes it. */
class CounterFileTest {
    private static final byte[] OOM_KILL = "oom_kill".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ETH0 = "eth0".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private CounterFile file(String name, String text, int size) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return CounterFile.open(p, size);
    }

    @Test
    void aReReadSeesWhatTheFileHoldsNowAndAFullBufferGrows() throws IOException {
        try (CounterFile f = file("cpuacct.usage", "12345\n", 4)) {
            f.read();
            assertThat(f.number()).isEqualTo(12345);
            Files.writeString(f.path(), "98765432109876\n");
            f.read();
            assertThat(f.number()).as("read again from offset 0, past the first buffer").isEqualTo(98765432109876L);
            Files.writeString(f.path(), "max\n");
            f.read();
            assertThat(f.number()).isEqualTo(-1);
        }
    }

    @Test
    void keyedLinesAndAMissingKey() throws IOException {
        try (CounterFile f = file("memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n", 16)) {
            f.read();
            assertThat(f.keyed(OOM_KILL)).as("not the oom_kill_disable line").isEqualTo(7);
            assertThat(f.keyed("max".getBytes(StandardCharsets.US_ASCII))).isZero();
        }
    }

    @Test
    void netDevBytesOfEth0AsTheZoneSeesThem() throws IOException {
        String dev = """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:     120       2    0    0    0     0          0         0      120       2    0    0    0     0       0          0
                  eth0: 5322258    3700    0    0    0     0          0         0  5322328    3791    0    0    0     0       0          0
                 eth01:       9       9    0    0    0     0          0         0        9       9    0    0    0     0       0          0
                """;
        long[] out = new long[2];
        try (CounterFile f = file("dev", dev, 64)) {
            f.read();
            f.netDevBytes(ETH0, out);
            assertThat(out).containsExactly(5322258, 5322328);
            f.netDevBytes("eth7".getBytes(StandardCharsets.US_ASCII), out);
            assertThat(out).containsExactly(0, 0);
        }
    }

    @Test
    void theStateAndStartTimeOfARealProcessAsProcStatSaysThem() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        long expected = RuncStateFile.startTicks(stat).orElseThrow();
        try (CounterFile f = CounterFile.open(Path.of("/proc/self/stat"), 64)) {
            f.read();
            assertThat(f.procStartTicks()).isEqualTo(expected);
            assertThat(f.procState()).isIn((byte) 'R', (byte) 'S');
        }
        try (CounterFile f = file("stat", "42 (a) b) c) Z 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 77 0\n", 512)) {
            f.read();
            assertThat(f.procState()).as("after the last ')'").isEqualTo((byte) 'Z');
            assertThat(f.procStartTicks()).isEqualTo(77);
        }
    }

    @Test
    void aFileThatDoesNotHoldACounterIsAFaultNamingTheFile() throws IOException {
        try (CounterFile f = file("memory.usage_in_bytes", "lots\n", 16)) {
            f.read();
            assertThatThrownBy(f::number).isInstanceOf(CounterFile.NotACounterException.class)
                    .hasMessageContaining("memory.usage_in_bytes holds 'lots'");
        }
        try (CounterFile f = file("cpuacct.usage", "99999999999999999999999\n", 64)) {
            f.read();
            assertThatThrownBy(f::number).isInstanceOf(CounterFile.NotACounterException.class);
        }
    }

    @Test
    void aKernelCounterChangesBetweenTwoReadsOfTheSameOpenFile() throws Exception {
        Path usage = Path.of("/proc/self/stat"); // utime/stime and more move as this test burns CPU
        try (CounterFile f = CounterFile.open(usage, 64)) {
            f.read();
            String first = f.text();
            // 50 ms of this thread's own CPU (a few clock ticks), however busy the host: wall time alone may give it none
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpuUntil = threads.getCurrentThreadCpuTime() + 50_000_000L;
            long wallLimit = System.nanoTime() + 30_000_000_000L;
            long x = 0;
            while (threads.getCurrentThreadCpuTime() < cpuUntil && System.nanoTime() < wallLimit) {
                x += Long.numberOfTrailingZeros(System.nanoTime());
            }
            f.read();
            assertThat(f.text()).as("burned " + x).isNotEqualTo(first);
        }
    }
}
