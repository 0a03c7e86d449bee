package io.gantry.common.coord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The limits on a machine's customer metadata, the same wherever it is changed (the cloud API, {@code mdata-put} from
 * inside the zone): a key is 1-256 characters; a value at most 256 KiB (UTF-8: a large {@code user-script} fits), and
 * all keys and values of one machine together at most 512 KiB, so the machine's {@link ZoneMetadata} stays well under
 * ZooKeeper's 1 MiB znode limit. {@code sdc:} keys are the platform's, read-only inside the zone.
 */
public final class MetadataLimits {
    public static final int MAX_KEY_CHARS = 256;
    public static final int MAX_VALUE_BYTES = 256 * 1024;
    public static final int MAX_TOTAL_BYTES = 512 * 1024;
    public static final String PLATFORM_PREFIX = "sdc:";

    private MetadataLimits() {
    }

    /** What is wrong with setting {@code key} to {@code value} (null: removing it), if anything. */
    public static Optional<String> problem(String key, String value) {
        if (key == null || key.isEmpty()) {
            return Optional.of("a metadata key must not be empty");
        }
        if (key.length() > MAX_KEY_CHARS) {
            return Optional.of("metadata key '" + key.substring(0, 40) + "…' is longer than " + MAX_KEY_CHARS + " characters");
        }
        if (value != null && bytes(value) > MAX_VALUE_BYTES) {
            return Optional.of("the value of metadata key '" + key + "' is " + bytes(value) + " bytes, more than "
                    + MAX_VALUE_BYTES);
        }
        return Optional.empty();
    }

    /** What is wrong with the machine's whole metadata (keys and values), if anything. */
    public static Optional<String> problem(Map<String, ?> metadata) {
        long total = 0;
        for (Map.Entry<String, ?> e : metadata.entrySet()) {
            String value = e.getValue() == null ? null : e.getValue().toString();
            Optional<String> one = problem(e.getKey(), value);
            if (one.isPresent()) {
                return one;
            }
            total += bytes(e.getKey()) + (value == null ? 0 : bytes(value));
        }
        if (total > MAX_TOTAL_BYTES) {
            return Optional.of("the machine's metadata would be " + total + " bytes, more than " + MAX_TOTAL_BYTES);
        }
        return Optional.empty();
    }

    public static boolean isPlatformKey(String key) {
        return key != null && key.startsWith(PLATFORM_PREFIX);
    }

    private static long bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
