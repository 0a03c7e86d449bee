package io.gantry.cloudapi.service;

import io.gantry.common.GantryException;
import io.gantry.common.Package;
import io.gantry.common.RequiredTraits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An operator's new package (POST /ops/packages), every field checked before anything is written: sizes in MiB
 * within {@link Package}'s ranges, names and versions of a safe alphabet, traits in Triton's form. Each refusal is
 * an InvalidArgument naming the field.
 *
 * @param swap   MiB of memory plus swap (Triton's rule), at least {@code memory}; defaults to {@code memory}
 * @param cpuCap percent of one CPU; defaults to {@code vcpus * 100}
 * @param lwps   processes and threads; defaults to Triton's 4000
 */
public record NewPackage(String name, String version, long memory, long swap, long disk, int vcpus, int cpuCap, int lwps,
                         String group, String description, Map<String, Object> traits) {
    public static final String DEFAULT_VERSION = "1.0.0";
    public static final int DEFAULT_LWPS = 4000;
    private static final Set<String> FIELDS = Set.of("name", "version", "memory", "swap", "disk", "vcpus", "cpu_cap", "lwps",
            "group", "description", "traits");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z.+-]{0,31}");
    private static final Pattern UUID_SHAPE = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_DESCRIPTION = 255;

    public NewPackage {
        // the ranges of every size (memory, swap, disk, vcpus, cpu_cap, lwps), as zones get them
        new Package(name, memory, swap, vcpus, cpuCap, lwps, disk);
    }

    public static NewPackage fromParams(Map<String, Object> p) {
        for (String field : p.keySet()) {
            if (!FIELDS.contains(field)) {
                throw GantryException.invalid("unknown package field '" + field + "' (known: name, version, memory, swap, disk, vcpus,"
                        + " cpu_cap, lwps, group, description, traits)");
            }
        }
        String name = text(p, "name", NAME, true, "1-64 letters, digits, '.', '_' or '-', a letter or digit first");
        if (UUID_SHAPE.matcher(name).matches()) {
            throw GantryException.invalid("package name '" + name + "' must not be a UUID (packages are found by name or id)");
        }
        String version = text(p, "version", VERSION, false, "1-32 letters, digits, '.', '+' or '-', a letter or digit first");
        String group = text(p, "group", NAME, false, "1-64 letters, digits, '.', '_' or '-', a letter or digit first");
        long memory = number(p, "memory", true, 0);
        long disk = number(p, "disk", true, 0);
        long vcpus = number(p, "vcpus", true, 0);
        if (vcpus < 1 || vcpus > Package.MAX_VCPUS) {
            throw GantryException.invalid("vcpus must be 1 to " + Package.MAX_VCPUS + ", got " + vcpus);
        }
        long swap = number(p, "swap", false, memory);
        long cpuCap = number(p, "cpu_cap", false, vcpus * 100);
        long lwps = number(p, "lwps", false, DEFAULT_LWPS);
        String description = description(p.get("description"));
        Map<String, Object> traits = traits(p.get("traits"), name);
        return new NewPackage(name, version == null ? DEFAULT_VERSION : version, memory, swap, disk, (int) vcpus, asInt("cpu_cap", cpuCap),
                asInt("lwps", lwps), group, description, traits);
    }

    private static String text(Map<String, Object> p, String field, Pattern shape, boolean required, String rule) {
        Object v = p.get(field);
        if (v == null) {
            if (required) {
                throw GantryException.invalid("package " + field + " is required");
            }
            return null;
        }
        if (!(v instanceof String s) || !shape.matcher(s).matches()) {
            throw GantryException.invalid("package " + field + " must be " + rule + ", got " + quoted(v));
        }
        return s;
    }

    /** A whole non-negative number, as a JSON number or a string of ASCII digits; nothing else. */
    private static long number(Map<String, Object> p, String field, boolean required, long fallback) {
        Object v = p.get(field);
        if (v == null) {
            if (required) {
                throw GantryException.invalid(field + " is required (a whole number" + (field.equals("vcpus") ? "" : " of MiB") + ")");
            }
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long) {
            long n = ((Number) v).longValue();
            if (n >= 0) {
                return n;
            }
        } else if (v instanceof String s && s.matches("[0-9]{1,18}")) {
            return Long.parseLong(s);
        }
        throw GantryException.invalid(field + " must be a whole non-negative number, got " + quoted(v));
    }

    private static int asInt(String field, long value) {
        if (value > Integer.MAX_VALUE) {
            throw GantryException.invalid(field + " must be at most " + Integer.MAX_VALUE + ", got " + value);
        }
        return (int) value;
    }

    private static String description(Object v) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s) || s.length() > MAX_DESCRIPTION || s.chars().anyMatch(Character::isISOControl)) {
            throw GantryException.invalid("package description must be text of at most " + MAX_DESCRIPTION + " characters on one line");
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> traits(Object v, String name) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw GantryException.invalid("package traits must be an object (trait: a string, a boolean or an array of those)");
        }
        RequiredTraits.fromJson((Map<String, ?>) map, "package " + name);
        return new LinkedHashMap<>((Map<String, Object>) map);
    }

    private static String quoted(Object v) {
        String text = v instanceof String s ? "'" + s + "'" : io.gantry.common.Json.write(v);
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
