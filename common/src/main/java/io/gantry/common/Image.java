package io.gantry.common;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * A root filesystem image. Its id is the sha256 of the file it came from (a root filesystem
 * tarball, a {@code docker save} archive or an OCI layout), so the same file imported twice is the
 * same image. {@code os} and {@code architecture} are what a layered image's config says; null for
 * a plain tarball, which does not say (and in JSON written before they existed).
 */
public record Image(String id, String name, long sizeBytes, Instant importedAt, String os, String architecture) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public Image {
        if (id == null || !SHA256.matcher(id).matches()) {
            throw GantryException.invalid("image id must be a sha256 hex digest, got " + id);
        }
        requireValidName(name);
    }

    public Image(String id, String name, long sizeBytes, Instant importedAt) {
        this(id, name, sizeBytes, importedAt, null, null);
    }

    public static String requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw GantryException.invalid("image name must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                    + (name == null ? "nothing" : "'" + name + "'"));
        }
        return name;
    }

    /** The first 12 hex digits, as image lists show it. */
    public String shortId() {
        return id.substring(0, 12);
    }
}
