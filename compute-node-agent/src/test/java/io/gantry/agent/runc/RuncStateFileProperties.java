package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** runc's state.json and /proc/<pid>/stat: what runc writes reads back, anything else reads as no container. */
class RuncStateFileProperties {
    private static Path root;

    @BeforeContainer
    static void makeRoot() throws IOException {
        root = Files.createTempDirectory("runc-state-props");
        Files.createDirectories(root.resolve("z"));
    }

    @AfterContainer
    static void removeRoot() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Property(tries = 150)
    void whatRuncWritesReadsBack(@ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long pid,
                                 @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long start, @ForAll boolean startAsString,
                                 @ForAll @LongRange(min = 0, max = 4_000_000_000_000L) long createdMillis) throws IOException {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("id", "z");
        state.put("init_process_pid", pid);
        state.put("init_process_start", startAsString ? Long.toString(start) : start);
        state.put("created", Instant.ofEpochMilli(createdMillis).toString());
        state.put("config", Map.of("init_process_pid", 1, "labels", new String[] {"a"}));
        Files.writeString(RuncStateFile.path(root, "z"), Json.write(state));
        assertThat(RuncStateFile.read(root, "z")).contains(new RuncStateFile.Init(pid, start, createdMillis));
    }

    @Property(tries = 300)
    void anyFileReadsAsAnInitOrNone(@ForAll("files") String content) throws IOException {
        // text of chars below 256 is written byte for byte, so the file also holds bytes that are not UTF-8
        Files.write(RuncStateFile.path(root, "z"),
                content.getBytes(content.chars().allMatch(c -> c < 256) ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
        Optional<RuncStateFile.Init> init = RuncStateFile.read(root, "z");
        init.ifPresent(i -> assertThat(i.pid()).isPositive());
        init.ifPresent(i -> assertThat(i.startTicks()).isNotNegative());
    }

    @Property
    void aStatLineGivesItsStartTimeOrNothing(@ForAll("comms") String comm, @ForAll("states") String state,
                                             @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long start, @ForAll("stats") String garbage) {
        StringBuilder line = new StringBuilder("42 (" + comm + ") " + state);
        for (int field = 4; field <= 21; field++) {
            line.append(' ').append(field);
        }
        line.append(' ').append(start).append(" 23 24\n");
        Optional<Long> ticks = RuncStateFile.startTicks(line.toString());
        assertThat(ticks).isEqualTo(state.equals("Z") || state.equals("X") ? Optional.empty() : Optional.of(start));
        RuncStateFile.startTicks(garbage).ifPresent(t -> assertThat(t).isNotNegative());
    }

    @Provide
    Arbitrary<String> comms() {
        return Arbitraries.strings().withChars("ab () )(x").ofMaxLength(15);
    }

    @Provide
    Arbitrary<String> states() {
        return Arbitraries.of("R", "S", "D", "Z", "X", "T");
    }

    @Provide
    Arbitrary<String> stats() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(60),
                Arbitraries.strings().withChars("0123456789 ()-+xZ").ofMaxLength(120));
    }

    @Provide
    Arbitrary<String> files() {
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("\"12\"", "\" 12 \"", "\"x\"", "\"\"", "null", "true", "1.5", "-1", "99999999999999999999",
                        "\"99999999999999999999\"", "{}", "[]", "{\"init_process_pid\":5,\"init_process_start\":7}", "[1,{\"a\":[]}]",
                        "\"+999999999-12-31T23:59:59Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"2026-12-04T12:00:00Z\"", "1e400"));
        Arbitrary<String> field = Arbitraries.of("init_process_pid", "init_process_start", "created", "config", "id");
        Arbitrary<String> object = Arbitraries.maps(field, value).ofMaxSize(5).map(m -> {
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
            return sb.append('}').toString();
        });
        return Arbitraries.oneOf(object, object, Arbitraries.strings().all().ofMaxLength(40),
                object.map(o -> o.substring(0, o.length() / 2)),
                Arbitraries.integers().between(1, 3000).map(n -> "{\"config\":" + "[".repeat(n) + "]".repeat(n) + "}"),
                Arbitraries.of("", "[]", "null", "{", "{\"init_process_pid\":"));
    }
}
