package io.gantry.common;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.gantry.common.net.Nic;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a zone is to be: its id (chosen by the caller, so a retried create is the same create), its
 * alias (also its hostname), its tenant, its image and its package; its NICs, as the control plane
 * allocated them (none: the zone has only loopback), and whether its firewall is on (until the
 * tenant's network view says more, a zone with the firewall on gets no inbound traffic at all).
 */
public record ZoneSpec(UUID uuid, String alias, String tenant, String imageId, Package pkg, List<Nic> nics,
                       boolean firewallEnabled) {

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /** Whether {@code name} may be a zone's alias, which is its hostname: the cloud API holds machine names to it. */
    public static boolean isHostname(String name) {
        return name != null && HOSTNAME.matcher(name).matches();
    }

    @JsonCreator
    public ZoneSpec {
        nics = nics == null ? List.of() : List.copyOf(nics);
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

    /** A zone without NICs and without firewall. */
    public ZoneSpec(UUID uuid, String alias, String tenant, String imageId, Package pkg) {
        this(uuid, alias, tenant, imageId, pkg, List.of(), false);
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
        return new ZoneSpec(uuid, alias, tenant, imageId, newPackage, nics, firewallEnabled);
    }

    public ZoneSpec withNics(List<Nic> newNics) {
        return new ZoneSpec(uuid, alias, tenant, imageId, pkg, newNics, firewallEnabled);
    }
}
