package io.gantry.common.net;

import io.gantry.common.GantryException;

/** IPv4 addresses as unsigned 32-bit numbers held in a {@code long}, read only from strict dotted quads. */
public final class Ipv4 {
    private Ipv4() {
    }

    /** {@code a.b.c.d}, each part 0-255 in decimal without leading zeros; anything else is an InvalidArgument naming {@code what}. */
    public static long parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw GantryException.invalid(what + " is required (an IPv4 address such as 192.168.128.1)");
        }
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw notAddress(text, what);
        }
        long value = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (part.length() > 1 && part.charAt(0) == '0')) {
                throw notAddress(text, what);
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw notAddress(text, what);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    private static GantryException notAddress(String text, String what) {
        return GantryException.invalid(what + " '" + text + "' is not an IPv4 address (four numbers 0-255 separated by dots)");
    }
}
