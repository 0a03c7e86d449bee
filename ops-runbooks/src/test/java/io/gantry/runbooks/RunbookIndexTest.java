package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ops-runbooks/README.md is the index: it links every runbook there is, and its fences (if any) are ones the runner runs. */
class RunbookIndexTest {
    @Test
    void theIndexLinksEveryRunbook() throws Exception {
        Path dir = Repo.runbooks();
        String index = Files.readString(dir.resolve(Runbooks.INDEX));
        List<String> unlisted = Runbooks.files(dir).stream().filter(f -> !Runbooks.isIndex(f)).map(f -> f.getFileName().toString())
                .filter(name -> !index.contains("](" + name + ")")).toList();
        assertThat(unlisted).as("runbooks ops-runbooks/README.md does not link as [..](name.md)").isEmpty();
    }

    @Test
    void theIndexHasNoFenceOrIsARunbookItself() throws Exception {
        Path readme = Repo.runbooks().resolve(Runbooks.INDEX);
        String text = Files.readString(readme);
        if (Runbooks.hasFences(text)) {
            assertThat(RunbookParser.parse(readme, text).problems()).as("README.md has fences, so it must be a runbook the runner runs").isEmpty();
        }
    }
}
