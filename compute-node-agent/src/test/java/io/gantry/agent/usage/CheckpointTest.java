package io.gantry.agent.usage;

import static io.gantry.agent.usage.Entries.A;
import static io.gantry.agent.usage.Entries.B;
import static io.gantry.agent.usage.Entries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.usage.UsageAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void keepsEachZonesHighestSeqWhateverTheOrder() {
        Checkpoint checkpoint = new Checkpoint(dir);

        checkpoint.keep(entry(A, 2));
        checkpoint.keep(entry(A, 5));
        checkpoint.keep(entry(A, 4));
        checkpoint.keep(entry(B, 1));

        assertThat(checkpoint.latest(A)).isEqualTo(entry(A, 5));
        assertThat(checkpoint.zones()).isEqualTo(2);
    }

    @Test
    void writesTheMagicAndOneFrameAndReadsBack() throws IOException {
        Checkpoint checkpoint = new Checkpoint(dir);
        checkpoint.keep(entry(A, 5));
        checkpoint.keep(entry(B, 3, true));

        checkpoint.write();

        byte[] file = Files.readAllBytes(dir.resolve("checkpoint"));
        assertThat(new String(Arrays.copyOf(file, 8), StandardCharsets.US_ASCII)).isEqualTo("GZUCKPT1");
        assertThat(checkpoint.fileBytes()).isEqualTo(file.length);
        Checkpoint reopened = new Checkpoint(dir);
        reopened.load();
        assertThat(reopened.entries()).containsExactlyInAnyOrder(entry(A, 5), entry(B, 3, true));
    }

    @Test
    void aDamagedFileReadsAsEmpty() throws IOException {
        Checkpoint checkpoint = new Checkpoint(dir);
        checkpoint.keep(entry(A, 5));
        checkpoint.write();
        Path file = dir.resolve("checkpoint");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x5a;
        Files.write(file, bytes);

        assertThat(new Checkpoint(dir).read()).isEmpty();
    }

    @Test
    void resumableLeavesOutEndedZonesAndNeverReusesAnAcknowledgedSeq() {
        UUID ended = new UUID(0xe, 3);
        Checkpoint checkpoint = new Checkpoint(dir);
        checkpoint.keep(entry(A, 5));
        checkpoint.keep(entry(B, 3));
        checkpoint.keep(entry(ended, 4, true));
        AckState acks = new AckState(dir);
        acks.advance(new UsageAck(List.of(new UsageAck.Stored(B, 9), new UsageAck.Stored(ended, 4))));

        List<UsageEntry> resumable = checkpoint.resumable(acks);

        assertThat(resumable).extracting(UsageEntry::zone).containsExactlyInAnyOrder(A, B);
        assertThat(resumable).filteredOn(e -> e.zone().equals(A)).containsExactly(entry(A, 5));
        UsageEntry b = resumable.stream().filter(e -> e.zone().equals(B)).findFirst().orElseThrow();
        assertThat(b.seq()).as("resumes after what metering acknowledged").isEqualTo(9);
        assertThat(b.record().cpuNanos()).as("counters are the journal's last").isEqualTo(entry(B, 3).record().cpuNanos());
    }
}
