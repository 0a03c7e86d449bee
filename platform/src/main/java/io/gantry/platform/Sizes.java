package io.gantry.platform;

import io.gantry.common.GantryException;
import io.gantry.common.Package;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes given on the command line: a bare number in the flag's unit, or with an M, G or T
 * suffix (optionally followed by B or iB; all binary: G = 1024 MiB). Decimals round to the nearest
 * MiB. Only ASCII digits; no sign, exponent or grouping. The arithmetic is exact (BigDecimal), so
 * no input overflows: a size of 0 MiB, or above {@link Package#MAX_SIZE_MiB} (whose bytes would no
 * longer fit a 64-bit number), is refused like any other non-size, as an {@code InvalidArgument}.
 */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,40}(?:\\.[0-9]{1,40})?)\\s*(?:([MGT])(?:I?B)?)?",
            Pattern.CASE_INSENSITIVE);
    private static final BigDecimal MAX = BigDecimal.valueOf(Package.MAX_SIZE_MiB);

    private Sizes() {
    }

    /** {@code text} in MiB; {@code defaultUnit} ("M", "G" or "T") applies to a bare number. */
    static long toMiB(String text, String defaultUnit) {
        Matcher m = text == null ? null : SIZE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw GantryException.invalid(quoted(text) + " is not a size (examples: 2, 512M, 1.5G)");
        }
        String unit = m.group(2) == null ? defaultUnit : m.group(2);
        BigDecimal mib = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(miBPer(unit))).setScale(0, RoundingMode.HALF_UP);
        if (mib.signum() <= 0) {
            throw GantryException.invalid(quoted(text) + " is not a size: it must be at least 1 MiB");
        }
        if (mib.compareTo(MAX) > 0) {
            throw GantryException.invalid(quoted(text) + " is more than the largest size, " + Package.MAX_SIZE_MiB + " MiB (1 EiB)");
        }
        return mib.longValueExact();
    }

    /** The operator's text for a one-line message: control characters escaped, at most 40 characters. */
    static String quoted(String text) {
        if (text == null) {
            return "nothing";
        }
        StringBuilder q = new StringBuilder("'");
        text.codePoints().limit(40).forEach(c -> {
            if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                q.append(String.format("\\u%04x", c));
            } else {
                q.appendCodePoint(c);
            }
        });
        return q.append(text.codePointCount(0, text.length()) > 40 ? "…'" : "'").toString();
    }

    private static long miBPer(String unit) {
        return switch (unit.toUpperCase(java.util.Locale.ROOT)) {
            case "M" -> 1;
            case "G" -> 1024;
            case "T" -> 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    }
}
