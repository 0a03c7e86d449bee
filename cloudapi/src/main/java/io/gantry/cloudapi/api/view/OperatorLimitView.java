package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gantry.common.limits.ProvisionLimit;

/**
 * A provisioning limit as an operator sets it (no usage figures: those are the tenant's
 * {@link LimitView}); {@code check} and {@code check_value} only when it counts some machines only.
 */
public record OperatorLimitView(String by, long value, String check, @JsonProperty("check_value") String checkValue) {

    public static OperatorLimitView of(ProvisionLimit l) {
        return new OperatorLimitView(l.by().wireName(), l.value(), l.check() == null ? null : l.check().wireName(), l.checkValue());
    }
}
