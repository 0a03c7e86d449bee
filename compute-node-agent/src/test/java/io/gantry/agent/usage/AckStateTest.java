package io.gantry.agent.usage;

import static io.gantry.agent.usage.Entries.A;
import static io.gantry.agent.usage.Entries.B;
import static io.gantry.agent.usage.Entries.ack;
import static io.gantry.agent.usage.Entries.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.usage.UsageAck;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AckStateTest {
    @TempDir
    Path dir;

    @Test
    void movesOnlyForwardsAndWritesOnlyWhenItMoves() {
        AckState acks = new AckState(dir);

        assertThat(acks.advance(ack(A, 5))).isTrue();
        assertThat(acks.advance(ack(A, 3))).isFalse();
        assertThat(acks.advance(ack(A, 5))).isFalse();

        assertThat(acks.of(A)).isEqualTo(5);
        assertThat(acks.of(B)).isZero();
        assertThat(acks.covers(entry(A, 5))).isTrue();
        assertThat(acks.covers(entry(A, 6))).isFalse();
    }

    @Test
    void nothingAcknowledgedWritesNoFile() {
        AckState acks = new AckState(dir);

        assertThat(acks.advance(ack(A, 0))).isFalse();

        assertThat(dir.resolve("acks")).doesNotExist();
        assertThat(acks.fileBytes()).isZero();
    }

    @Test
    void theFileIsTheMagicAndOneFrameAndReadsBack() throws IOException {
        AckState acks = new AckState(dir);
        acks.advance(new UsageAck(List.of(new UsageAck.Stored(A, 7), new UsageAck.Stored(B, 300))));

        byte[] file = Files.readAllBytes(dir.resolve("acks"));
        assertThat(new String(Arrays.copyOf(file, 8), StandardCharsets.US_ASCII)).isEqualTo("GZUACKS1");
        assertThat(Frames.payloadOf(Frames.magic("GZUACKS1"), file)).isNotNull();
        assertThat(acks.fileBytes()).isEqualTo(file.length);

        AckState reopened = new AckState(dir);
        reopened.load();
        assertThat(reopened.of(A)).isEqualTo(7);
        assertThat(reopened.of(B)).isEqualTo(300);
        assertThat(reopened.fileBytes()).isEqualTo(file.length);
    }

    @Test
    void aDamagedFileCountsAsNoAcknowledgementsButStillAsBytesOnDisk() throws IOException {
        new AckState(dir).advance(ack(A, 7));
        Path file = dir.resolve("acks");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x5a;
        Files.write(file, bytes);

        AckState reopened = new AckState(dir);
        reopened.load();

        assertThat(reopened.of(A)).isZero();
        assertThat(reopened.fileBytes()).isEqualTo(bytes.length);
    }

    @Test
    void forgottenZonesAreGoneAfterAReload() {
        AckState acks = new AckState(dir);
        acks.advance(new UsageAck(List.of(new UsageAck.Stored(A, 7), new UsageAck.Stored(B, 9))));

        acks.forget(List.of(A));

        AckState reopened = new AckState(dir);
        reopened.load();
        assertThat(reopened.of(A)).isZero();
        assertThat(reopened.of(B)).isEqualTo(9);
    }
}
