package io.gantry.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RunbookParserTest {
    private static final String HEAD = """
            # Rotate a key
            <!-- runbook: stage=dev -->

            ## Purpose
            ## Preconditions
            ## Checks
            ## Rollback
            ## Steps
            """;

    private static Runbook parse(String text) {
        return RunbookParser.parse(Path.of("ops-runbooks/x.md"), text);
    }

    @Test
    void readsTitleStageAndBlocksWithTheirOptionsAndExpectations() {
        Runbook r = parse(HEAD + """
                Prose first.
                ```sh
                gantry account list
                ```

                ```expect
                ^LOGIN
                demo
                ```
                ```sh exit=3
                gantry account get nobody
                ```
                ```sh timeout=600 exit=1
                sleep 1
                ```
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.title()).isEqualTo("Rotate a key");
        assertThat(r.stage()).isEqualTo("dev");
        assertThat(r.blocks()).hasSize(3);
        ShellBlock first = r.blocks().get(0);
        assertThat(first.line()).isEqualTo(10);
        assertThat(first.script()).isEqualTo("gantry account list\n");
        assertThat(first.exit()).isZero();
        assertThat(first.timeout()).isEqualTo(ShellBlock.DEFAULT_TIMEOUT);
        assertThat(first.expect()).extracting(p -> p.pattern()).containsExactly("^LOGIN", "demo");
        assertThat(r.blocks().get(1).exit()).isEqualTo(3);
        assertThat(r.blocks().get(1).expect()).isEmpty();
        assertThat(r.blocks().get(2).timeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(r.blocks().get(2).exit()).isEqualTo(1);
    }

    @Test
    void everyOtherFenceLanguageIsRefusedSoNoCommandHides() {
        Runbook r = parse(HEAD + """
                ```bash
                rm -rf /
                ```
                ```
                untagged
                ```
                ```console
                $ ls
                ```
                ~~~sh
                tilde
                ~~~
                """);
        assertThat(r.problems()).hasSize(4);
        assertThat(r.problems().get(0)).isEqualTo("x.md:9: a fence of language 'bash'; only ```sh, ```sh exit=N, ```sh timeout=N and ```expect"
                + " are allowed, so that every command is run");
        assertThat(r.problems().get(1)).contains("x.md:12: an untagged fence");
        assertThat(r.problems().get(2)).contains("x.md:15: a fence of language 'console'");
        assertThat(r.problems().get(3)).contains("x.md:18: a ~~~ fence");
        assertThat(r.blocks()).isEmpty();
    }

    @Test
    void anIndentedFenceInAListIsStillABlockAndLosesItsIndentation() {
        Runbook r = parse(HEAD + """
                1. Write the file:
                   ```sh
                   cat > f <<'EOF'
                   x
                   EOF
                   ```
                """);
        assertThat(r.problems()).isEmpty();
        assertThat(r.blocks().get(0).script()).isEqualTo("cat > f <<'EOF'\nx\nEOF\n");
    }

    @Test
    void anExpectNotRightAfterAShellBlockIsRefused() {
        Runbook r = parse(HEAD + """
                ```expect
                nothing before me
                ```
                ```sh
                true
                ```
                Prose in between.
                ```expect
                late
                ```
                ```sh
                true
                ```
                ```expect
                one
                ```
                ```expect
                two
                ```
                """);
        assertThat(r.problems()).containsExactly(
                "x.md:9: an expect block must come right after a sh block (blank lines only between them)",
                "x.md:16: an expect block must come right after a sh block (blank lines only between them)",
                "x.md:25: an expect block must come right after a sh block (blank lines only between them)");
    }

    @Test
    void missingSectionsTitleAndStageLineAreProblems() {
        Runbook r = parse("""
                Not a title
                <!-- stage=dev -->
                ## Purpose
                ## Steps
                """);
        assertThat(r.problems()).containsExactly(
                "x.md:1: the first line must be the title, '# <Title>'",
                "x.md:2: the second line must be the stage line, '<!-- runbook: stage=dev -->' (dev, host or debian)",
                "missing section '## Preconditions' (every runbook has Purpose, Preconditions, Steps, Checks, Rollback)",
                "missing section '## Checks' (every runbook has Purpose, Preconditions, Steps, Checks, Rollback)",
                "missing section '## Rollback' (every runbook has Purpose, Preconditions, Steps, Checks, Rollback)");
        assertThat(r.stage()).isNull();
    }

    @Test
    void aHeadingInsideAFenceIsNoSection() {
        Runbook r = parse("""
                # T
                <!-- runbook: stage=host -->
                ## Purpose
                ## Preconditions
                ## Steps
                ```sh
                cat <<'EOF'
                ## Checks
                ## Rollback
                EOF
                ```
                """);
        assertThat(r.problems()).hasSize(2).allMatch(p -> p.startsWith("missing section"));
    }

    @Test
    void badStageOptionsAndBlocksAreProblems() {
        Runbook r = parse(HEAD.replace("stage=dev", "stage=moon") + """
                ```sh exit=256
                true
                ```
                ```sh timeout=0
                true
                ```
                ```sh retries=3
                true
                ```
                ```sh exit=1 exit=2
                true
                ```
                ```sh
                ```
                ```sh
                true
                ```
                ```expect
                (unclosed
                ```
                ```sh
                true
                ```
                ```expect

                ```
                ```sh
                never closed
                """);
        assertThat(r.problems()).containsExactly(
                "x.md:2: unknown stage 'moon' (dev, host or debian)",
                "x.md:9: exit=256 is not an exit status (0-255)",
                "x.md:12: timeout=0: a block needs some time",
                "x.md:15: unknown sh option 'retries=3' (exit=N, timeout=SECONDS)",
                "x.md:18: sh option exit given twice",
                "x.md:21: an empty sh block",
                "x.md:26: expect line '(unclosed' is not a Java regular expression: Unclosed group",
                "x.md:32: an expect block that expects nothing",
                "x.md:35: a fence that is never closed");
    }

    @Test
    void aRunbookCallingTritonNeedsTheCli() {
        assertThat(parse(HEAD + "```sh\nTRITON_X=1 gantry-triton-cli list\n```\n").needsTriton()).isFalse();
        assertThat(parse(HEAD + "```sh\nx=$(triton instance list -j)\n```\n").needsTriton()).isTrue();
        assertThat(parse(HEAD + "```sh\ntriton key list\n```\n").needsTriton()).isTrue();
    }
}
