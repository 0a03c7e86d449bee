package io.gantry.agent.runc;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.AgentConfig;
import io.gantry.agent.host.Cmd;
import io.gantry.common.Zone;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Where the agent runs runc ({@link RuncMountNamespace}): a namespace without the zones' mounts, into whose copy a zone's
 * start brings that zone's root and network namespace only, so what runc reads and copies does not grow with the zones
 * on the node; and its holder ends with whoever started it.
 */
class RuncMountNamespaceTest extends RealZonesTest {
    private Path runcLog;

    /** runc through a wrapper that writes down, for each command, its arguments and the mount points it sees. */
    @Override
    protected AgentConfig configOf(Path stateDir, String node) throws IOException {
        runcLog = stateDir.resolve("runc-views.log");
        Path wrapper = stateDir.resolve("runc-viewing");
        Files.writeString(wrapper, "#!/bin/sh\n{ echo \"runc $*\"; cut -d' ' -f5 /proc/self/mountinfo; echo; } >> " + runcLog
                + "\nexec runc \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new AgentConfig(stateDir, node, wrapper.toString(), null);
    }

    /** What each runc command saw since the last call: its arguments, then its mount points. */
    private List<List<String>> runcViews() throws IOException {
        String text = Files.readString(runcLog);
        Files.writeString(runcLog, "");
        return Arrays.stream(text.split("\n\n")).filter(v -> !v.isBlank()).map(v -> v.lines().toList()).toList();
    }

    @Test
    void everyRuncCommandOfTheAgentSeesOnlyTheZoneItStarts() throws Exception {
        Zone a = create("acme", "seen-a");
        runcViews();
        Zone b = create("acme", "seen-b");
        try {
            ZoneLayout la = backend.layout(a.uuid());
            ZoneLayout lb = backend.layout(b.uuid());
            backend.stop(b.uuid(), Duration.ofSeconds(5));
            backend.start(b.uuid());
            backend.delete(b.uuid());
            List<List<String>> views = runcViews();
            assertThat(views).extracting(v -> v.get(0)).as("b's create, stop, start and delete")
                    .anyMatch(c -> c.contains(" run ")).anyMatch(c -> c.contains(" kill ")).anyMatch(c -> c.contains(" delete "));
            for (List<String> view : views) {
                assertThat(view).as(view.get(0)).doesNotContain(la.rootfs().toString(), la.diskMount().toString(),
                        OciSpec.netnsPath(la), lb.diskMount().toString());
                if (view.get(0).contains(" run ")) {
                    assertThat(view).as(view.get(0)).contains(lb.rootfs().toString(), OciSpec.netnsPath(lb));
                } else {
                    assertThat(view).as(view.get(0)).doesNotContain(lb.rootfs().toString(), OciSpec.netnsPath(lb));
                }
            }
        } finally {
            backend.delete(a.uuid());
        }
    }

    /** The mount points of the namespace {@code command} (wrapped to run there) runs in. */
    private static Set<String> mountPoints(List<String> command) {
        return Cmd.run(command).orThrow().stdout().lines()
                .map(line -> line.split(" ")[4].replace("\\040", " "))
                .collect(Collectors.toSet());
    }

    @Test
    void runcSeesNoZonesMountsButTheRootAndNetworkOfTheZoneItStarts() throws Exception {
        Zone a = create("acme", "ns-a");
        Zone b = create("acme", "ns-b");
        try {
            ZoneLayout la = backend.layout(a.uuid());
            ZoneLayout lb = backend.layout(b.uuid());
            List<String> zoneMounts = List.of(la.rootfs().toString(), la.diskMount().toString(), OciSpec.netnsPath(la),
                    lb.rootfs().toString(), lb.diskMount().toString(), OciSpec.netnsPath(lb));
            List<String> read = List.of("cat", "/proc/self/mountinfo");
            Set<String> host = mountPoints(read);
            assertThat(host).as("the host's namespace holds both zones' disks, roots and network pins").containsAll(zoneMounts);

            RuncMountNamespace ns = backend.runcNamespace();
            Set<String> plain = mountPoints(ns.wrap(read));
            assertThat(plain).as("runc's namespace").doesNotContainAnyElementsOf(zoneMounts)
                    .noneMatch(m -> m.startsWith("/run/netns/"))
                    .contains("/", "/proc", "/sys");
            assertThat(plain.size()).isLessThan(host.size() - 5);

            Set<String> startingA = mountPoints(ns.wrap(la.rootfs(), Path.of(OciSpec.netnsPath(la)), read));
            assertThat(startingA).as("a start of zone a sees a's root and network namespace, nothing of b's, not a's disk")
                    .contains(la.rootfs().toString(), OciSpec.netnsPath(la))
                    .doesNotContain(la.diskMount().toString(), lb.rootfs().toString(), lb.diskMount().toString(), OciSpec.netnsPath(lb))
                    .hasSize(plain.size() + 2);
            assertThat(mountPoints(ns.wrap(read))).as("what a start brought in stays in its own copy").isEqualTo(plain);

            Zone c = create("acme", "ns-c");
            try {
                assertThat(mountPoints(ns.wrap(read))).as("a zone made since is not seen either").isEqualTo(plain);
                assertThat(sh(c, "hostname; ls /sys/class/net").stdout()).as("and runs on its own root and network")
                        .contains("ns-c").contains("eth0");
            } finally {
                backend.delete(c.uuid());
            }
        } finally {
            backend.delete(a.uuid());
            backend.delete(b.uuid());
        }
    }

    @Test
    void theHolderEndsWhenWhoStartedItIsKilled() throws Exception {
        Path tool = config.stateDir().resolve("tools").resolve("zone-ns");
        assertThat(Files.isExecutable(tool)).isTrue();
        // the agent's end is the end of the holder's input; here a sleep holds that pipe, and is killed as an agent would be
        Process shell = new ProcessBuilder("sh", "-c", "sleep 600 | " + tool + " hold").start();
        try {
            String ready = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(ready).isEqualTo("ready");
            ProcessHandle holder = shell.children().filter(p -> p.info().command().orElse("").endsWith("zone-ns")).findFirst().orElseThrow();
            ProcessHandle sleep = shell.children().filter(p -> p.info().command().orElse("").endsWith("sleep")).findFirst().orElseThrow();
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + holder.pid() + "/ns/mnt")))
                    .as("a namespace of its own").isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")));
            Cmd.check("kill", "-KILL", Long.toString(sleep.pid()));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !holder.isAlive());
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly();
        }
    }
}
