package io.gantry.metering.budget;

import io.gantry.common.GantryException;
import java.util.Locale;

/** What happens while a budget is exceeded. */
public enum Policy {
    /** An audit entry on each of the account's machines, once per period. */
    NOTIFY,
    /** The account's running machines run under a lower CPU cap until no throttle budget is exceeded. */
    THROTTLE,
    /** The account's running machines are stopped (again, if started while the budget is still exceeded). */
    STOP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Policy fromWire(String name) {
        for (Policy p : values()) {
            if (p.wireName().equals(name)) {
                return p;
            }
        }
        throw GantryException.invalid("policy must be notify, throttle or stop; got '" + name + "'");
    }
}
