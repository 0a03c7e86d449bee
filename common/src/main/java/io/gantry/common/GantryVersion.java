package io.gantry.common;

/** The version every role reports (the health report shows it per instance) and {@code gantry --version} prints. */
public final class GantryVersion {
    public static final String VERSION = "0.1.0";

    private GantryVersion() {
    }
}
