package io.gantry.platform;

import io.gantry.common.GantryException;
import java.util.Locale;

/** Parses sizes given on the command line: a bare number in the flag's unit, or with a M/G suffix. */
final class Sizes {
    private Sizes() {
    }

    static long toMiB(String text, String defaultUnit) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        String unit = defaultUnit;
        if (s.endsWith("G") || s.endsWith("M")) {
            unit = s.substring(s.length() - 1);
            s = s.substring(0, s.length() - 1);
        }
        try {
            double value = Double.parseDouble(s);
            if (value <= 0 || Double.isNaN(value) || Double.isInfinite(value)) {
                throw new NumberFormatException();
            }
            return Math.round(unit.equals("G") ? value * 1024 : value);
        } catch (NumberFormatException e) {
            throw GantryException.invalid("'" + text + "' is not a size (examples: 2, 512M, 1.5G)");
        }
    }
}
