package io.gantry.agent.usage;

import static io.gantry.agent.usage.Entries.A;
import static io.gantry.agent.usage.Entries.B;
import static io.gantry.agent.usage.Entries.ack;
import static io.gantry.agent.usage.Entries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The segment files as the log writes, recovers and reads them, without acknowledgement files or retention. */
class SegmentLogTest {
    @TempDir
    Path dir;

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void aFullSegmentIsClosedAndTheNextAppendBeginsTheNextOne() throws IOException {
        SegmentLog log = new SegmentLog(dir, 1024);
        long seq = 0;
        while (log.count() < 2) {
            log.append(List.of(entry(A, ++seq), entry(B, seq)));
        }
        log.closeWriter();

        assertThat(segmentFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly("00000000000000000001.seg", "00000000000000000002.seg");
        assertThat(Files.size(segmentFiles().get(0))).isGreaterThanOrEqualTo(1024);
        long onDisk = 0;
        for (Path p : segmentFiles()) {
            onDisk += Files.size(p);
        }
        assertThat(log.bytes()).isEqualTo(onDisk);
        assertThat(log.readAll()).hasSize((int) (2 * seq));
    }

    @Test
    void recoveryCutsATornTailAndKeepsEveryWholeFrame() throws IOException {
        SegmentLog written = new SegmentLog(dir, 1 << 20);
        for (long seq = 1; seq <= 3; seq++) {
            written.append(List.of(entry(A, seq)));
        }
        written.closeWriter();
        Path file = segmentFiles().get(0);
        long whole = Files.size(file);
        Files.write(file, new byte[] {0, 0, 0, 40, 1, 2, 3}, StandardOpenOption.APPEND); // a frame cut short

        List<UsageEntry> found = new ArrayList<>();
        SegmentLog.Recovered recovered = new SegmentLog(dir, 1 << 20).recover(found::add);

        assertThat(recovered.truncatedBytes()).isEqualTo(7);
        assertThat(recovered.entries()).isEqualTo(3);
        assertThat(found).containsExactly(entry(A, 1), entry(A, 2), entry(A, 3));
        assertThat(Files.size(file)).isEqualTo(whole);
    }

    @Test
    void unackedSkipsWhatIsAcknowledgedAndStartsOverInARewrittenSegment() {
        SegmentLog log = new SegmentLog(dir, 1 << 20);
        for (long seq = 1; seq <= 5; seq++) {
            log.append(List.of(entry(A, seq)));
        }
        AckState acks = new AckState(dir);
        acks.advance(ack(A, 2));

        assertThat(log.unacked(2, acks)).containsExactly(entry(A, 3), entry(A, 4));
        assertThat(log.unacked(10, acks)).containsExactly(entry(A, 3), entry(A, 4), entry(A, 5));
        assertThat(log.backlog(acks)).isEqualTo(3);

        log.seal();
        Segment seg = log.segments().iterator().next();
        log.replace(seg, SegmentFiles.rewrite(seg, List.of(List.of(entry(A, 4)), List.of(entry(A, 5)))));

        assertThat(log.unacked(10, acks)).containsExactly(entry(A, 4), entry(A, 5));
        assertThat(log.backlog(acks)).isEqualTo(2);
    }
}
