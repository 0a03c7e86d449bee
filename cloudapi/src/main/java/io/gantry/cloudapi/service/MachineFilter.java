package io.gantry.cloudapi.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /:login/machines} as SQL conditions on {@code machines m}: name, state, image,
 * memory, brand, docker, type and {@code tag.KEY}. Every value compares as text, as Triton's client sends it
 * ({@code tag.count=3}, {@code tag.on=true}); a tag the machine lacks, or holds as JSON null, reads as
 * {@code null}. Other parameters are not filters and are ignored.
 */
public final class MachineFilter {
    private static final Pattern PLACEHOLDER = Pattern.compile(":f(\\d+)");
    private final List<String> conditions = new ArrayList<>();
    private final Map<String, Object> parameters = new LinkedHashMap<>();

    private MachineFilter() {
    }

    public static MachineFilter of(Map<String, Object> query) {
        MachineFilter f = new MachineFilter();
        query.forEach((key, value) -> f.add(key, String.valueOf(value)));
        return f;
    }

    private void add(String key, String want) {
        switch (key) {
            case "name" -> equal("m.name", want);
            case "state" -> equal("m.state", want);
            case "image" -> equal("cast(m.image_id as text)", want);
            case "memory" -> equal("cast(m.memory as text)", want);
            case "brand" -> equal("m.brand", want);
            case "docker" -> matchesIf(!"true".equals(want));
            case "type" -> matchesIf("smartmachine".equals(want));
            default -> {
                if (key.startsWith("tag.")) {
                    String tag = key.substring(4);
                    if (storable(tag) && storable(want)) {
                        equal("coalesce(m.tags ->> cast(:" + parameter(tag) + " as text), 'null')", want);
                    } else {
                        matchesIf(false);
                    }
                }
            }
        }
    }

    private void equal(String column, String want) {
        if (!storable(want)) {
            // no column holds a NUL or a lone surrogate (PostgreSQL refuses them), so nothing matches
            matchesIf(false);
            return;
        }
        conditions.add(column + " = cast(:" + parameter(want) + " as text)");
    }

    private void matchesIf(boolean matches) {
        if (!matches) {
            conditions.add("false");
        }
    }

    private String parameter(String value) {
        String name = "f" + parameters.size();
        parameters.put(name, value);
        return name;
    }

    private static boolean storable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The conditions joined with {@code and}, each starting with {@code and}; empty when nothing filters. */
    String sql() {
        StringBuilder out = new StringBuilder();
        conditions.forEach(c -> out.append(" and ").append(c));
        return out.toString();
    }

    Map<String, Object> parameters() {
        return parameters;
    }

    /** As {@link #sql()}, its parameters numbered {@code $first, $first+1, …} in the order of {@link #values()}. */
    String sql(int first) {
        return PLACEHOLDER.matcher(sql()).replaceAll(m -> "\\$" + (first + Integer.parseInt(m.group(1))));
    }

    /** The parameters' values, in their numbering's order. */
    List<Object> values() {
        return List.copyOf(parameters.values());
    }
}
