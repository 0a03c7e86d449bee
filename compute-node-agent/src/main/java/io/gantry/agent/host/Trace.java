package io.gantry.agent.host;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * With {@code -Dgantry.trace} set, each host command the agent runs is written to standard error with its duration
 * ({@code TRACE <epoch ms> <ms> <command, paths and ids shortened>}), to see where a zone's create or delete spends
 * its time (bench/README.md, "Zone lifecycle"). Off by default: then nothing is written. The commands are counted
 * either way ({@link #commands}).
 */
public final class Trace {
    private static final boolean ON = System.getProperty("gantry.trace") != null;
    private static final LongAdder COMMANDS = new LongAdder();

    private Trace() {
    }

    /** A step done in-process (no command), under {@code name}; answers now, to time the next step from. */
    public static long step(String name, long startNanos) {
        long now = System.nanoTime();
        if (ON) {
            System.err.printf("TRACE %d %.2f @%s%n", System.currentTimeMillis(), (now - startNanos) / 1e6, name);
        }
        return now;
    }

    /** How many host commands this process has run (a test or the bench tells what a step costs in processes). */
    public static long commands() {
        return COMMANDS.sum();
    }

    public static void cmd(List<String> command, long nanos) {
        COMMANDS.increment();
        if (!ON) {
            return;
        }
        if (command.get(0).endsWith("/zone-ns") && command.contains("--")) {
            command = command.subList(command.indexOf("--") + 1, command.size()); // runc in its namespace: named as runc
        }
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < Math.min(command.size(), 6); i++) {
            String a = command.get(i);
            if (a.startsWith("/")) {
                a = a.substring(a.lastIndexOf('/') + 1); // a path: its last part
            } else if (a.startsWith("gz-") || a.startsWith("gantry-") || a.startsWith("--net=")) {
                a = "NS";
            }
            if (a.length() > 36) {
                a = "ID"; // a UUID or a script
            }
            name.append(a).append('_');
        }
        System.err.printf("TRACE %d %.2f %s%n", System.currentTimeMillis(), nanos / 1e6, name);
    }
}
