package io.gantry.cluster.nemesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
    @TempDir
    Path dir;

    @Test
    void everyEntryIsWrittenAsAJsonLineAndReadsBackTheSame() {
        Path file = dir.resolve("history.jsonl");
        UUID id = UUID.randomUUID();
        try (History h = History.toFile(file)) {
            Op create = h.invoke("c0", Op.Action.CREATE, id, "small");
            h.append(Op.NEMESIS, Op.Type.INVOKE, Op.Action.FAULT, null, "kill -9 cloudapi", null);
            h.complete(create, Op.Type.INFO, "connection reset");
            // readable before the history is closed: a run that dies leaves every entry so far
            assertThat(History.read(file)).isEqualTo(h.ops());
        }
        assertThat(History.read(file)).extracting(Op::index, Op::type, Op::machine)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, Op.Type.INVOKE, id),
                        org.assertj.core.groups.Tuple.tuple(1L, Op.Type.INVOKE, null),
                        org.assertj.core.groups.Tuple.tuple(2L, Op.Type.INFO, id));
    }

    @Test
    void onlyAnInvokeIsCompleted() {
        History h = History.inMemory();
        Op done = h.complete(h.invoke("c0", Op.Action.DELETE, UUID.randomUUID(), null), Op.Type.OK, "204");
        assertThatThrownBy(() -> h.complete(done, Op.Type.OK, "204")).isInstanceOf(IllegalArgumentException.class);
    }
}
