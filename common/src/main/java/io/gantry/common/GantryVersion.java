package io.gantry.common;

/**
 * This Gantry's version, the one every role reports (adverts, the health report) and {@code gantry --version}
 * prints: the Implementation-Version of its jar's manifest, or {@code dev} when run from classes.
 */
public final class GantryVersion {
    public static final String DEV = "dev";

    private GantryVersion() {
    }

    public static String current() {
        String v = GantryVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? DEV : v;
    }
}
