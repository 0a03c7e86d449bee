package io.gantry.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of cgroup files, on trees laid out as the kernel lays them out. */
class CgroupsTest {
    @TempDir
    Path root;

    private void write(String file, String content) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    @Test
    void readsV1Counters() throws IOException {
        Files.createDirectories(root.resolve("unified"));
        write("cpuacct/g/z/cpuacct.usage", "123456789\n");
        write("memory/g/z/memory.usage_in_bytes", "4096\n");
        write("memory/g/z/memory.max_usage_in_bytes", "8192\n");
        write("memory/g/z/memory.limit_in_bytes", "67108864\n");
        write("memory/g/z/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        write("pids/g/z/pids.current", "7\n");
        write("pids/g/z/pids.max", "32\n");
        write("pids/g/z/pids.events", "max 12\n");
        write("cpu/g/z/cpu.cfs_quota_us", "50000\n");
        Cgroups cg = Cgroups.detect(root);
        assertThat(cg.version()).isEqualTo("v1 (hybrid)");
        assertThat(cg.read("/g/z")).isEqualTo(new CgroupStats(123456789, 4096, 8192, 67108864, 3, 7, 32, 12, 50000));
    }

    @Test
    void v1UnlimitedMemoryAndMaxPidsReadAsMinusOne() throws IOException {
        write("memory/g/z/memory.limit_in_bytes", "9223372036854771712\n");
        write("pids/g/z/pids.max", "max\n");
        CgroupStats s = Cgroups.detect(root).read("/g/z");
        assertThat(s.memoryLimitBytes()).isEqualTo(-1);
        assertThat(s.pidsLimit()).isEqualTo(-1);
        assertThat(s.cpuNanos()).as("missing file").isEqualTo(-1);
        assertThat(s.oomKills()).isZero();
    }

    @Test
    void readsV2Counters() throws IOException {
        write("cgroup.controllers", "cpu memory pids\n");
        write("g/z/cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
        write("g/z/memory.current", "4096\n");
        write("g/z/memory.peak", "8192\n");
        write("g/z/memory.max", "max\n");
        write("g/z/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
        write("g/z/pids.current", "5\n");
        write("g/z/pids.max", "64\n");
        write("g/z/pids.events", "max 2\n");
        write("g/z/cpu.max", "25000 100000\n");
        Cgroups cg = Cgroups.detect(root);
        assertThat(cg.version()).isEqualTo("v2");
        assertThat(cg.read("/g/z")).isEqualTo(new CgroupStats(2_500_000, 4096, 8192, -1, 1, 5, 64, 2, 25000));
    }

    @Test
    void removeIfEmptyRemovesTheDirectoryInEveryHierarchy() throws IOException {
        Files.createDirectories(root.resolve("memory/gantry-n/"));
        Files.createDirectories(root.resolve("pids/gantry-n/"));
        Files.createDirectories(root.resolve("cpu/gantry-n/still-has-a-zone"));
        Cgroups cg = Cgroups.detect(root);
        assertThat(cg.existing("/gantry-n")).hasSize(3);
        cg.removeIfEmpty("/gantry-n");
        assertThat(cg.existing("/gantry-n")).containsExactly(root.resolve("cpu/gantry-n"));
    }

    @Test
    void aFileThatIsNotANumberIsAnUncheckedIOExceptionNamingIt() throws IOException {
        // found by CgroupsProperties: an empty or garbled counter file threw NumberFormatException
        write("cgroup.controllers", "cpu memory pids\n");
        write("g/z/memory.current", "");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cgroups.detect(root).read("/g/z"))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("memory.current holds '', not a number");
        write("g/z/memory.current", "1\n");
        write("g/z/cpu.max", "lots 100000\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Cgroups.detect(root).read("/g/z"))
                .hasMessageContaining("cpu.max holds 'lots', not a number");
    }
}
