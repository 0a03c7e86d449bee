package io.gantry.provisioner.placement;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A filter's verdict on one node: it fits, or it does not and {@link #reason()} says why in words a person can act
 * on (e.g. "only 2048 MiB of memory free, 4096 MiB needed"). A reason may be given as a supplier so the hot path,
 * which rejects many nodes and reads few reasons, does not build strings it throws away.
 */
public final class FilterStatus {
    private static final FilterStatus FIT = new FilterStatus(true, "fits", null);

    private final boolean fits;
    private volatile String reason;
    private final Supplier<String> lazyReason;

    private FilterStatus(boolean fits, String reason, Supplier<String> lazyReason) {
        this.fits = fits;
        this.reason = reason;
        this.lazyReason = lazyReason;
    }

    public static FilterStatus fit() {
        return FIT;
    }

    public static FilterStatus reject(String reason) {
        return new FilterStatus(false, Objects.requireNonNull(reason, "reason"), null);
    }

    /** A rejection whose reason is written only if someone reads it. */
    public static FilterStatus reject(Supplier<String> reason) {
        return new FilterStatus(false, null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean fits() {
        return fits;
    }

    public String reason() {
        String r = reason;
        if (r == null) {
            r = lazyReason.get();
            reason = r;
        }
        return r;
    }

    @Override
    public String toString() {
        return fits ? "fits" : "rejected: " + reason();
    }
}
