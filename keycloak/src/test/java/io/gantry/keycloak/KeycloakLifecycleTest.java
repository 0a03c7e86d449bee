package io.gantry.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to Keycloak when the JVM that started it ends: by a signal (Ctrl-C), or by kill -9. */
class KeycloakLifecycleTest {
    @TempDir
    Path dir;
    final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(p -> ProcessTree.terminate(p, Duration.ofSeconds(10)));
    }

    @Test
    void aJvmEndedBySigtermStopsItsKeycloak() throws Exception {
        Process jvm = launcher(dir.resolve("kc"), FreePort.onLoopback());
        List<ProcessHandle> keycloak = keycloakTree(jvm);

        jvm.destroy();
        assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keycloak).noneMatch(ProcessHandle::isAlive);
    }

    @Test
    void aKeycloakLeftByAKilledJvmIsStoppedByTheNextStartInItsDirectory() throws Exception {
        Path instance = dir.resolve("kc");
        int port = FreePort.onLoopback();
        Process jvm = launcher(instance, port);
        List<ProcessHandle> leftover = keycloakTree(jvm);

        jvm.destroyForcibly();
        jvm.waitFor(30, TimeUnit.SECONDS);
        assertThat(leftover).as("kill -9 leaves no chance to stop Keycloak").allMatch(ProcessHandle::isAlive);
        assertThat(FreePort.isFree(port)).isFalse();

        List<String> progress = new ArrayList<>();
        try (KeycloakServer again = KeycloakServer.start(instance, port, DevRealm.standard("s", List.of(), List.of()), progress::add)) {
            assertThat(leftover).noneMatch(ProcessHandle::isAlive);
            assertThat(progress).anySatisfy(line -> assertThat(line).contains("left running in " + instance.resolve("home")));
            assertThat(again.pid()).isNotIn(leftover.stream().map(ProcessHandle::pid).toList());
        }
    }

    /** A JVM running {@link StartKeycloakAndWait}; returns once its Keycloak is ready. */
    private Process launcher(Path instance, int port) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StartKeycloakAndWait.class.getName(), instance.toString(),
                Integer.toString(port)).redirectErrorStream(true).start();
        started.add(jvm.toHandle());
        return jvm;
    }

    /** Waits for the launcher's "keycloak-pid N" line: kc.sh and its descendants then. */
    private List<ProcessHandle> keycloakTree(Process jvm) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith("keycloak-pid ")) {
                ProcessHandle kcSh = ProcessHandle.of(Long.parseLong(line.substring(13).trim())).orElseThrow();
                List<ProcessHandle> tree = new ArrayList<>(kcSh.descendants().toList());
                tree.add(kcSh);
                started.addAll(tree);
                assertThat(tree).hasSizeGreaterThanOrEqualTo(2);
                return tree;
            }
            lines.add(line);
        }
        throw new AssertionError("the launcher ended without starting Keycloak: " + String.join("\n", lines));
    }
}
