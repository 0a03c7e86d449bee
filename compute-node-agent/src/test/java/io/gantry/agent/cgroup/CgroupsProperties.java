package io.gantry.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/** Cgroup files hold what the kernel writes: numbers read back, anything else is an UncheckedIOException. */
class CgroupsProperties {

    @Property(tries = 50)
    void countersReadBackInBothLayouts(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 1000) long n, @ForAll boolean v2)
            throws IOException {
        Path root = Files.createTempDirectory("cgroups-props");
        try {
            CgroupStats s;
            if (v2) {
                write(root, "cgroup.controllers", "cpu memory pids\n");
                write(root, "g/z/memory.current", n + "\n");
                write(root, "g/z/cpu.stat", "usage_usec " + n + "\n");
                write(root, "g/z/cpu.max", n + " 100000\n");
                s = Cgroups.detect(root).read("/g/z");
                assertThat(s.cpuNanos()).isEqualTo(n * 1000);
                assertThat(s.cpuQuotaMicros()).isEqualTo(n);
            } else {
                write(root, "memory/g/z/memory.usage_in_bytes", n + "\n");
                write(root, "pids/g/z/pids.events", "max " + n + "\n");
                s = Cgroups.detect(root).read("/g/z");
                assertThat(s.forksRefused()).isEqualTo(n);
            }
            assertThat(s.memoryBytes()).isEqualTo(n);
        } finally {
            delete(root);
        }
    }

    @Property(tries = 100)
    void anyFileContentReadsOrIsAnUncheckedIOException(@ForAll("contents") String content, @ForAll boolean v2) throws IOException {
        Path root = Files.createTempDirectory("cgroups-props");
        try {
            if (v2) {
                write(root, "cgroup.controllers", "cpu memory pids\n");
                for (String f : new String[] {"memory.current", "cpu.stat", "cpu.max", "memory.events", "pids.max"}) {
                    write(root, "g/z/" + f, content);
                }
            } else {
                for (String f : new String[] {"memory/g/z/memory.limit_in_bytes", "memory/g/z/memory.oom_control",
                        "pids/g/z/pids.max", "cpu/g/z/cpu.cfs_quota_us"}) {
                    write(root, f, content);
                }
            }
            Throwable thrown = catchThrowable(() -> Cgroups.detect(root).read("/g/z"));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(UncheckedIOException.class);
            }
        } finally {
            delete(root);
        }
    }

    @Provide
    Arbitrary<String> contents() {
        return Arbitraries.oneOf(Arbitraries.longs().map(n -> n + "\n"), Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(20).map(b -> new String(b, StandardCharsets.ISO_8859_1)),
                Arbitraries.strings().withChars("0123456789 -+max\nusage_usec oom_kill").ofMaxLength(40),
                Arbitraries.of("", "\n", "max\n", "max 100000\n", "9223372036854775808\n", "-9223372036854775809", "1e3",
                        "usage_usec 99999999999999999999\n", "oom_kill x\n", "٣\n", "+5\n", "9".repeat(10_000)));
    }

    private static void write(Path root, String file, String content) throws IOException {
        Path p = root.resolve(file);
        Files.createDirectories(p.getParent());
        // text of chars below 256 is written byte for byte, so the files also hold bytes that are not UTF-8
        Files.write(p, content.getBytes(content.chars().allMatch(c -> c < 256) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    private static void delete(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
