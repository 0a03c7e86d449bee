package io.gantry.common.coord;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.coord.ZkPaths.NodePath;
import io.gantry.common.coord.ZkPaths.NodePath.Kind;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class ZkPathsTest {
    @Test
    void aNodesAdvertAndReportAreReadWithTheirNode() {
        assertThat(ZkPaths.parseNodePath("/gantry/nodes/cn1/alive")).contains(new NodePath("cn1", Kind.ALIVE, null));
        assertThat(ZkPaths.parseNodePath("/gantry/nodes/cn1/report")).contains(new NodePath("cn1", Kind.REPORT, null));
    }

    @Test
    void aTaskAndAResultCarryTheirJob() {
        UUID job = UUID.randomUUID();
        NodePath task = ZkPaths.parseNodePath(ZkPaths.task("cn2", job.toString())).orElseThrow();
        NodePath result = ZkPaths.parseNodePath(ZkPaths.result("cn2", job.toString())).orElseThrow();
        assertThat(task).isEqualTo(new NodePath("cn2", Kind.TASK, job.toString()));
        assertThat(task.job()).contains(job);
        assertThat(result.kind()).isEqualTo(Kind.RESULT);
        assertThat(result.node()).isEqualTo("cn2");
        assertThat(result.job()).contains(job);
    }

    @Test
    void anEntryNotNamedByAJobHasNoJob() {
        NodePath odd = ZkPaths.parseNodePath("/gantry/nodes/cn1/results/not-a-job").orElseThrow();
        assertThat(odd.kind()).isEqualTo(Kind.RESULT);
        assertThat(odd.job()).isEmpty();
        assertThat(ZkPaths.parseNodePath("/gantry/nodes/cn1/alive").orElseThrow().job()).isEmpty();
    }

    @Test
    void foldersAndForeignPathsAreNotNodePaths() {
        for (String path : new String[] {"/gantry/nodes", "/gantry/nodes/", "/gantry/nodes/cn1", "/gantry/nodes/cn1/tasks",
                "/gantry/nodes/cn1/results", "/gantry/nodes/cn1/other", "/gantry/nodes/cn1/alive/x", "/gantry/nodes//alive",
                "/gantry/nodes/cn1/results/", "/gantry/nodes/cn1/tasks/a/b", "/gantry/provisioner/leader", "/gantry/nodesx/cn1/alive",
                "gantry/nodes/cn1/alive", "", null}) {
            assertThat(ZkPaths.parseNodePath(path)).as(String.valueOf(path)).isEmpty();
        }
    }

    @Property
    void everyPathZkPathsBuildsIsReadBack(@ForAll @AlphaChars @NumericChars @StringLength(min = 1, max = 20) String node,
                                          @ForAll long high, @ForAll long low) {
        UUID job = new UUID(high, low);
        assertThat(ZkPaths.parseNodePath(ZkPaths.alive(node))).contains(new NodePath(node, Kind.ALIVE, null));
        assertThat(ZkPaths.parseNodePath(ZkPaths.report(node))).contains(new NodePath(node, Kind.REPORT, null));
        assertThat(ZkPaths.parseNodePath(ZkPaths.task(node, job.toString()))).contains(new NodePath(node, Kind.TASK, job.toString()));
        assertThat(ZkPaths.parseNodePath(ZkPaths.result(node, job.toString()))).contains(new NodePath(node, Kind.RESULT, job.toString()));
    }
}
