package io.gantry.provisioner.placement;

import java.util.HashMap;
import java.util.Map;

/** Defensive copies of the string maps records hold: null becomes empty, null keys and values are dropped. */
final class Maps {
    private Maps() {
    }

    static Map<String, String> copy(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        Map<String, String> clean = new HashMap<>(map.size() * 2);
        map.forEach((k, v) -> {
            if (k != null && v != null) {
                clean.put(k, v);
            }
        });
        return Map.copyOf(clean);
    }
}
