package io.gantry.common.coord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NodeBeatTest {
    @Test
    void aBeatSurvivesItsOwnEncoding() {
        byte[] bytes = new NodeBeat("cn-7", 42).encode();
        assertThat(NodeBeat.decode(bytes, bytes.length)).contains(new NodeBeat("cn-7", 42));
    }

    @Test
    void strayDatagramsAreNotBeats() {
        for (String stray : new String[] {"", "hello", "gantry-beat 1 ", "gantry-beat 1 cn1", "gantry-beat 1 cn1 x", "gantry-beat 2 cn1 1",
                "gantry-beat 1  1"}) {
            byte[] b = stray.getBytes(StandardCharsets.UTF_8);
            assertThat(NodeBeat.decode(b, b.length)).as(stray).isEmpty();
        }
    }

    @Test
    void onlyTheReceivedLengthIsRead() {
        byte[] buffer = new byte[NodeBeat.MAX_BYTES];
        byte[] beat = new NodeBeat("cn1", 3).encode();
        System.arraycopy(beat, 0, buffer, 0, beat.length);
        buffer[beat.length] = '9';
        assertThat(NodeBeat.decode(buffer, beat.length)).contains(new NodeBeat("cn1", 3));
    }

    @Test
    void aNameWithASpaceCannotBeSent() {
        assertThatThrownBy(() -> new NodeBeat("a b", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
