package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class RunbookParserProperties {
    /** Whatever a file holds, reading it gives a runbook with its problems listed, never an exception. */
    @Property
    void anyTextIsReadWithoutThrowing(@ForAll @StringLength(max = 400) String text) {
        Runbook r = RunbookParser.parse(Path.of("any.md"), text);
        assertThat(r.problems().isEmpty() || !r.problems().get(0).isBlank()).isTrue();
    }

    /** Fences built of the allowed pieces in any order: every sh block is found, whatever the prose around. */
    @Property
    void everyShellFenceBecomesABlock(@ForAll @StringLength(max = 30) String prose, @ForAll("counts") int blocks) {
        StringBuilder s = new StringBuilder("# T\n<!-- runbook: stage=host -->\n## Purpose\n## Preconditions\n## Steps\n## Checks\n## Rollback\n");
        String safe = prose.replace("`", "").replace("~", "").replace("\r", "");
        for (int i = 0; i < blocks; i++) {
            s.append(safe.isBlank() ? "p" : safe).append("\n```sh\necho ").append(i).append("\n```\n```expect\n^").append(i).append("$\n```\n");
        }
        Runbook r = RunbookParser.parse(Path.of("p.md"), s.toString());
        assertThat(r.blocks()).hasSize(blocks);
        assertThat(r.blocks()).allSatisfy(b -> assertThat(b.expect()).hasSize(1));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> counts() {
        return net.jqwik.api.Arbitraries.integers().between(0, 6);
    }
}
