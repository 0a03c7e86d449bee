package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.GantryException;

/**
 * Whether a catalogue entry may still be chosen. An operator's deprecation (Triton: a package's {@code active=false},
 * an image's {@code state=deprecated}) hides it from tenants' lists and refuses it for new machines; machines that
 * already have it keep it, and a machine may be resized away from a deprecated package but not to one.
 */
public final class CatalogState {
    public static final String ACTIVE = "active";
    public static final String DEPRECATED = "deprecated";

    private CatalogState() {
    }

    static void requireUsable(PackageRecord pkg) {
        if (!pkg.active) {
            throw GantryException.invalid("package " + pkg.name + " is deprecated: new machines cannot use it (pick an active one from ListPackages)");
        }
    }

    static void requireResizableTo(PackageRecord pkg) {
        if (!pkg.active) {
            throw GantryException.invalid("package " + pkg.name + " is deprecated: machines cannot be resized to it (pick an active one from ListPackages)");
        }
    }

    static void requireUsable(ImageRecord image) {
        if (!ACTIVE.equals(image.state)) {
            throw GantryException.invalid("image " + image.name + "@" + image.version + " is " + image.state
                    + ": new machines cannot use it (pick an active one from ListImages)");
        }
    }
}
