package io.gantry.keycloak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a process and all its descendants by PID: {@code kc.sh} runs Keycloak's JVM as its child, and
 * killing only the script would leave the JVM (and its port) behind.
 */
final class ProcessTree {
    private ProcessTree() {
    }

    /** SIGTERM to the whole tree, up to {@code grace} to exit, then SIGKILL to what is left; waits for the end. */
    static void terminate(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        if (!awaitExit(tree, grace)) {
            // a process the script started meanwhile (the relaunch after an augmentation) is new in the tree
            root.descendants().forEach(tree::add);
            tree.forEach(ProcessHandle::destroyForcibly);
            awaitExit(tree, Duration.ofSeconds(10));
        }
    }

    private static boolean awaitExit(List<ProcessHandle> tree, Duration timeout) {
        CompletableFuture<?>[] exits = tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(exits).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return tree.stream().noneMatch(ProcessHandle::isAlive);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return tree.stream().noneMatch(ProcessHandle::isAlive);
        }
    }
}
