package io.gantry.cloudapi.service;

import io.gantry.common.GantryException;
import io.gantry.common.Image;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What an operator's image import says of the image: name, version, os, requirements and a description. */
public record NewImage(String name, String version, String os, ImageRequirements requirements, String description) {
    /** The os values Triton's IMGAPI knows. */
    public static final List<String> OSES = List.of("linux", "smartos", "illumos", "bsd", "windows", "other");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");

    public NewImage {
        Image.requireValidName(name);
        if (version == null || !VERSION.matcher(version).matches()) {
            throw GantryException.invalid("version must be 1-64 letters, digits, '.', '_', '+' or '-', starting with a letter or digit; got "
                    + (version == null ? "nothing" : "'" + version + "'"));
        }
        if (os == null || !OSES.contains(os)) {
            throw GantryException.invalid("os must be one of " + String.join(", ", OSES) + "; got " + (os == null ? "nothing" : "'" + os + "'"));
        }
        if (description != null && description.length() > 512) {
            throw GantryException.invalid("description is longer than 512 characters");
        }
    }

    /** From the query of {@code POST /ops/images}: name, version, os [, min_memory, max_memory, description]. */
    public static NewImage fromQuery(Map<String, String> q) {
        return new NewImage(q.get("name"), q.get("version"), q.get("os"),
                new ImageRequirements(mib(q, "min_memory"), mib(q, "max_memory")), q.get("description"));
    }

    private static Long mib(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw GantryException.invalid(key + " must be a whole number of MiB; got '" + v + "'");
        }
    }
}
