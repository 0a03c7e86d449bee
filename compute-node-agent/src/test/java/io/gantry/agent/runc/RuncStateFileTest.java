package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuncStateFileTest {
    @TempDir
    Path root;

    private Optional<RuncStateFile.Init> read(String json) throws IOException {
        Files.createDirectories(root.resolve("z"));
        Files.writeString(RuncStateFile.path(root, "z"), json);
        return RuncStateFile.read(root, "z");
    }

    @Test
    void aCreationTimeBeyondEpochMillisecondsReadsAsUnknown() throws IOException {
        // found by RuncStateFileProperties: toEpochMilli threw ArithmeticException out of read()
        assertThat(read("{\"init_process_pid\":5,\"init_process_start\":7,\"created\":\"+999999999-12-31T23:59:59Z\"}"))
                .contains(new RuncStateFile.Init(5, 7, -1));
    }

    @Test
    void fieldsInsideAnObjectAreNotTakenForTheContainersOwn() throws IOException {
        // an object where the pid goes used to be read field by field as if it were the top level
        assertThat(read("{\"init_process_pid\":{\"init_process_pid\":5,\"init_process_start\":7}}")).isEmpty();
        assertThat(read("{\"config\":{\"init_process_pid\":9},\"init_process_pid\":5,\"init_process_start\":\" 7 \"}"))
                .contains(new RuncStateFile.Init(5, 7, -1));
    }

    @Test
    void aStatLineThatIsNotOneHasNoStartTime() {
        assertThat(RuncStateFile.startTicks("1 (a) S 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 x 21")).isEmpty();
        assertThat(RuncStateFile.startTicks("1 (a b) c) S 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 777 21")).contains(777L);
        assertThat(RuncStateFile.startTicks("1 (a) Z 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 777 21")).isEmpty();
    }
}
