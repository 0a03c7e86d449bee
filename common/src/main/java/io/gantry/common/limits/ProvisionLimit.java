package io.gantry.common.limits;

import io.gantry.common.GantryException;
import java.util.Locale;

/**
 * One Triton provisioning limit: at most {@code value} of {@code by} (machine count, RAM in MiB,
 * disk quota in GiB, or vCPUs), optionally only over machines whose image, brand or os equals {@code checkValue}.
 * A value of 0 means unlimited; -1 means no provisioning at all.
 */
public record ProvisionLimit(By by, long value, Check check, String checkValue) {

    public enum By {
        COUNT, RAM, QUOTA, VCPUS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static By fromWire(String text) {
            for (By b : values()) {
                if (b.wireName().equals(text)) {
                    return b;
                }
            }
            throw GantryException.invalid("limit 'by' must be count, ram, quota or vcpus; got '" + text + "'");
        }
    }

    public enum Check {
        IMAGE, BRAND, OS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Check fromWire(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            for (Check c : values()) {
                if (c.wireName().equals(text)) {
                    return c;
                }
            }
            throw GantryException.invalid("limit 'check' must be image, brand or os; got '" + text + "'");
        }
    }

    public static final long UNLIMITED = 0;
    public static final long FORBIDDEN = -1;

    /**
     * What a limit counts and over which machines. An account has one limit per scope: a new limit
     * replaces the one with the same scope.
     */
    public record Scope(By by, Check check, String checkValue) {
        public Scope {
            requirePaired(check, checkValue);
        }

        /** For messages: {@code count limit}, {@code ram limit with image debian}. */
        public String describe() {
            return by.wireName() + " limit" + (check == null ? "" : " with " + check.wireName() + " " + checkValue);
        }
    }

    public ProvisionLimit {
        if (value < FORBIDDEN) {
            throw GantryException.invalid("limit value must be -1 (forbidden), 0 (unlimited) or positive; got " + value);
        }
        requirePaired(check, checkValue);
    }

    private static void requirePaired(Check check, String checkValue) {
        if ((check == null) != (checkValue == null)) {
            throw GantryException.invalid("a limit's check and its check value go together: give both or neither");
        }
    }

    public Scope scope() {
        return new Scope(by, check, checkValue);
    }

    public boolean applies(Footprint machine) {
        if (check == null) {
            return true;
        }
        String actual = switch (check) {
            case IMAGE -> machine.image();
            case BRAND -> machine.brand();
            case OS -> machine.os();
        };
        return checkValue.equals(actual);
    }

    /** How much of this limit's dimension one machine uses. */
    public long amountOf(Footprint machine) {
        return switch (by) {
            case COUNT -> 1;
            case RAM -> machine.memoryMiB();
            case QUOTA -> divideRoundingUp(machine.diskMiB(), 1024);
            case VCPUS -> machine.vcpus();
        };
    }

    private static long divideRoundingUp(long a, long b) {
        return (a + b - 1) / b;
    }

    public String describe() {
        String what = switch (by) {
            case COUNT -> value + " machines";
            case RAM -> value + " MiB of RAM";
            case QUOTA -> value + " GiB of disk";
            case VCPUS -> value + " vCPUs";
        };
        String scope = check == null ? "" : " with " + check.wireName() + " " + checkValue;
        return value == FORBIDDEN ? "no machines" + scope : "at most " + what + scope;
    }
}
