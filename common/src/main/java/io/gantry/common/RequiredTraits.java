package io.gantry.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The traits a machine requires of its node, as Triton's packages and images state them: each key names a trait
 * the node must have, with the values it may have. In JSON a trait's value is a string, a boolean ({@code true} is
 * met by a node trait {@code true}) or an array of those (any one of them will do). A node's traits
 * ({@code gantry agent --trait K=V}) are strings; a boolean is compared as its text.
 *
 * @param allowed each required trait's allowed values (never empty), as text
 */
public record RequiredTraits(Map<String, Set<String>> allowed) {
    public static final RequiredTraits NONE = new RequiredTraits(Map.of());

    public RequiredTraits {
        Map<String, Set<String>> copy = new TreeMap<>();
        allowed.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null || v.isEmpty()) {
                throw GantryException.invalid("trait '" + k + "' needs a name and at least one value");
            }
            copy.put(k, Collections.unmodifiableSet(new LinkedHashSet<>(v)));
        });
        allowed = Collections.unmodifiableMap(copy);
    }

    /** Each trait must have exactly the given value. */
    public static RequiredTraits exactly(Map<String, String> traits) {
        Map<String, Set<String>> out = new TreeMap<>();
        if (traits != null) {
            traits.forEach((k, v) -> {
                if (k != null && v != null) {
                    out.put(k, Set.of(v));
                }
            });
        }
        return new RequiredTraits(out);
    }

    /**
     * Reads a traits object as a package or image holds it ({@code {"ssd": true, "hw": ["a", "b"]}}); null is none.
     * Anything else than a string, a boolean or a non-empty array of those is an InvalidArgument naming {@code whose}.
     */
    public static RequiredTraits fromJson(Map<String, ?> json, String whose) {
        if (json == null || json.isEmpty()) {
            return NONE;
        }
        Map<String, Set<String>> out = new TreeMap<>();
        json.forEach((k, v) -> {
            Set<String> values = new LinkedHashSet<>();
            if (v instanceof List<?> list) {
                list.forEach(item -> values.add(scalar(item, k, whose)));
            } else {
                values.add(scalar(v, k, whose));
            }
            if (k.isBlank() || values.isEmpty()) {
                throw GantryException.invalid(whose + " has a trait '" + k + "' without a name or a value");
            }
            out.put(k, values);
        });
        return new RequiredTraits(out);
    }

    private static String scalar(Object v, String key, String whose) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        throw GantryException.invalid(whose + "'s trait '" + key + "' must be a string, a boolean or an array of those, not "
                + (v == null ? "null" : Json.write(v)));
    }

    public boolean isEmpty() {
        return allowed.isEmpty();
    }

    /**
     * Both sets of requirements at once (an image's and a package's): where both name a trait, the values both allow.
     * A trait they allow no common value of can be met by no node: an InvalidArgument naming both.
     */
    public RequiredTraits and(RequiredTraits other, String mine, String theirs) {
        Map<String, Set<String>> out = new TreeMap<>(allowed);
        other.allowed.forEach((k, v) -> {
            Set<String> here = out.get(k);
            if (here == null) {
                out.put(k, v);
                return;
            }
            Set<String> both = new LinkedHashSet<>(here);
            both.retainAll(v);
            if (both.isEmpty()) {
                throw GantryException.invalid(mine + " requires trait " + describe(k, here) + " but " + theirs + " requires "
                        + describe(k, v) + "; no node can have both");
            }
            out.put(k, both);
        });
        return new RequiredTraits(out);
    }

    /** Whether a node with these traits meets every requirement. */
    public boolean metBy(Map<String, String> nodeTraits) {
        return unmetBy(nodeTraits) == null;
    }

    /** The first requirement the node's traits do not meet (its key), or null if they meet all. */
    public String unmetBy(Map<String, String> nodeTraits) {
        for (Map.Entry<String, Set<String>> want : allowed.entrySet()) {
            String have = nodeTraits.get(want.getKey());
            if (have == null || !want.getValue().contains(have)) {
                return want.getKey();
            }
        }
        return null;
    }

    /** The JSON a machine records: a trait with one allowed value as that value, several as an array. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new TreeMap<>();
        allowed.forEach((k, v) -> out.put(k, v.size() == 1 ? v.iterator().next() : new ArrayList<>(v)));
        return out;
    }

    /** One requirement as a person reads it: {@code ssd=true}, {@code hw=a|b}. */
    public String describe(String key) {
        return describe(key, allowed.get(key));
    }

    /** Every requirement: {@code hw=a|b, ssd=true}. */
    @Override
    public String toString() {
        return allowed.keySet().stream().map(this::describe).collect(Collectors.joining(", "));
    }

    private static String describe(String key, Set<String> values) {
        return key + "=" + String.join("|", values);
    }
}
