package io.gantry.common;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a zone is to be: its id (chosen by the caller, so a retried create is the same create), its
 * alias (also its hostname), its tenant, its image and its package.
 */
public record ZoneSpec(UUID uuid, String alias, String tenant, String imageId, Package pkg) {

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    public ZoneSpec {
        if (uuid == null) {
            throw new GantryException(ErrorCode.MissingParameter, "zone uuid is required");
        }
        if (alias == null || alias.isBlank()) {
            alias = "z-" + uuid.toString().substring(0, 8);
        }
        if (!HOSTNAME.matcher(alias).matches()) {
            throw GantryException.invalid("alias '" + alias
                    + "' is not a valid hostname: 1-63 letters, digits and '-', not starting or ending with '-'");
        }
        if (tenant == null || !TENANT.matcher(tenant).matches()) {
            throw GantryException.invalid("tenant must be 1-64 lower-case letters, digits, '_' or '-'; got "
                    + (tenant == null ? "nothing" : "'" + tenant + "'"));
        }
        if (imageId == null || imageId.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, "zone image is required");
        }
        if (pkg == null) {
            throw new GantryException(ErrorCode.MissingParameter, "zone package is required");
        }
    }

    public static UUID parseUuid(String text) {
        try {
            UUID uuid = UUID.fromString(text);
            if (!uuid.toString().equalsIgnoreCase(text)) {
                throw new IllegalArgumentException();
            }
            return uuid;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw GantryException.invalid("'" + text + "' is not a UUID (expected the form 8-4-4-4-12 hex digits)");
        }
    }

    public ZoneSpec withPackage(Package newPackage) {
        return new ZoneSpec(uuid, alias, tenant, imageId, newPackage);
    }
}
