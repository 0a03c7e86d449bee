package io.gantry.cluster.nemesis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * How an acknowledged GET or LIST writes the machines it saw into {@link Op#answer()}: {@code id=state} pairs separated by
 * {@code ;} (a GET's one pair, "absent" for a 404), so the checker can read back what each read showed.
 */
public final class SeenStates {
    public static final String ABSENT = "absent";

    private SeenStates() {
    }

    public static String write(Map<UUID, String> states) {
        return states.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    /** The states an answer shows; empty for an answer not written by {@link #write}. */
    public static Map<UUID, String> read(String answer) {
        Map<UUID, String> out = new LinkedHashMap<>();
        if (answer == null || answer.isBlank()) {
            return out;
        }
        for (String pair : answer.split(";")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                return Map.of();
            }
            try {
                out.put(UUID.fromString(pair.substring(0, eq)), pair.substring(eq + 1));
            } catch (IllegalArgumentException notAMachine) {
                return Map.of();
            }
        }
        return out;
    }
}
