package io.gantry.agent.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gantry.common.usage.UsageRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The usage journal's binary entries and framing: entries read back exactly (counters of any size, wrapping
 * differences included); arbitrary or damaged bytes give {@link EntryCodec.MalformedEntryException} or a frame status,
 * never another exception or an allocation sized by a corrupt length field.
 */
class EntryCodecProperties {
    private static final byte[] MAGIC = Frames.magic("GZTEST01");
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("entry-codec-props");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Property(tries = 300)
    void entriesReadBackExactlyInOneStreamOrTwo(@ForAll("entryLists") List<UsageEntry> entries) {
        int half = entries.size() / 2;
        EntryCodec.State writer = new EntryCodec.State();
        byte[] first = EntryCodec.encode(writer, entries.subList(0, half));
        byte[] second = EntryCodec.encode(writer, entries.subList(half, entries.size()));
        EntryCodec.State reader = new EntryCodec.State();
        List<UsageEntry> read = new ArrayList<>(EntryCodec.decode(reader, first));
        read.addAll(EntryCodec.decode(reader, second));
        assertThat(read).isEqualTo(entries);
    }

    @Property(tries = 400)
    void arbitraryBytesDecodeOrAreMalformed(@ForAll("payloads") byte[] payload) {
        Throwable thrown = catchThrowable(() -> EntryCodec.decode(new EntryCodec.State(), payload));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(EntryCodec.MalformedEntryException.class);
        }
    }

    @Property(tries = 300)
    void aFileReadsBackAndAnyOtherBytesAreNull(@ForAll("payloads") byte[] payload, @ForAll("payloads") byte[] garbage) {
        assertThat(Frames.payloadOf(MAGIC, Frames.file(MAGIC, payload))).isEqualTo(payload);
        byte[] other = Frames.payloadOf(MAGIC, garbage);
        assertThat(other == null || other.length == garbage.length - Frames.HEADER - Frames.FRAME_OVERHEAD).isTrue();
    }

    @Property(tries = 200)
    void framesOnDiskReadBackAndDamageIsAStatus(@ForAll("payloadLists") List<byte[]> payloads, @ForAll("payloads") byte[] tail)
            throws IOException {
        Path file = Files.createTempFile(dir, "frames", ".bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long pos = 0;
            for (byte[] p : payloads) {
                ByteBuffer f = Frames.frame(p);
                Frames.writeFully(ch, f, pos);
                pos += Frames.FRAME_OVERHEAD + p.length;
            }
            Frames.writeFully(ch, ByteBuffer.wrap(tail), pos);
            long size = pos + tail.length;
            long at = 0;
            for (byte[] p : payloads) {
                Frames.Frame f = Frames.read(ch, at, size);
                assertThat(f.status()).isEqualTo(Frames.Status.OK);
                assertThat(f.payload()).isEqualTo(p);
                at = f.next();
            }
            Frames.Frame rest = Frames.read(ch, at, size);
            assertThat(rest.status() == Frames.Status.END).isEqualTo(tail.length == 0);
            if (rest.status() == Frames.Status.OK) {
                assertThat(rest.next()).isLessThanOrEqualTo(size);
            } else {
                assertThat(rest.payload()).isNull();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static Arbitrary<Long> counters() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(0, 1L << 40),
                Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
    }

    private static Arbitrary<String> texts() {
        return Arbitraries.oneOf(Arbitraries.strings().alpha().numeric().ofMaxLength(12),
                Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(8)); // UTF-8 round trips: no lone surrogates
    }

    private static Arbitrary<UsageEntry> entries(List<UUID> zones) {
        Arbitrary<long[]> numbers = counters().list().ofSize(20).map(l -> l.stream().mapToLong(Long::longValue).toArray());
        return Combinators.combine(Arbitraries.of(zones), texts(), Arbitraries.of("n1", "n2"), texts(), texts().injectNull(0.3),
                        numbers, Arbitraries.of(true, false))
                .as((zone, tenant, node, pkg, incarnation, n, last) -> new UsageEntry(
                        new UsageRecord(zone, n[0], tenant, node, pkg, n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10],
                                n[11], n[12], last),
                        incarnation, new KernelCounters(n[13], n[14], n[15], n[16], n[17]), n[18], n[19]));
    }

    @Provide
    Arbitrary<List<UsageEntry>> entryLists() {
        return Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong())).list().ofMinSize(1).ofMaxSize(3)
                .flatMap(zones -> entries(zones).list().ofMaxSize(8));
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<byte[]> mutated = Combinators.combine(entryLists(), Arbitraries.integers().between(0, 10_000), Arbitraries.bytes(),
                        Arbitraries.integers().between(0, 3))
                .as((entries, at, b, how) -> {
                    byte[] p = EntryCodec.encode(new EntryCodec.State(), entries);
                    return switch (how) {
                        case 0 -> {
                            p[at % p.length] = b;
                            yield p;
                        }
                        case 1 -> java.util.Arrays.copyOf(p, at % p.length);
                        case 2 -> java.util.Arrays.copyOf(p, p.length + 1 + at % 20);
                        default -> {
                            // a huge varint where a count or a string length goes
                            byte[] q = java.util.Arrays.copyOf(p, p.length + 10);
                            int i = at % p.length;
                            System.arraycopy(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                                    (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, 0, q, i, 10);
                            yield q;
                        }
                    };
                });
        Arbitrary<byte[]> framed = Combinators.combine(random, Arbitraries.integers()).as((p, len) -> {
            ByteBuffer b = ByteBuffer.allocate(Frames.HEADER + Frames.FRAME_OVERHEAD + p.length);
            return b.put(MAGIC).putInt(len).putInt((int) Frames.crc(p)).put(p).array();
        });
        return Arbitraries.oneOf(random, mutated, framed, Arbitraries.just(new byte[0]));
    }

    @Provide
    Arbitrary<List<byte[]>> payloadLists() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(100).list().ofMaxSize(4);
    }
}
