package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.admission.Admission;
import java.util.Map;

/**
 * A provisioning limit with what the account uses of it. {@code remaining} only when the limit is a
 * positive number; a limit over some machines only says so as Triton does: {@code "check":"image"}
 * followed by {@code "image":<value>}.
 */
@JsonPropertyOrder({"by", "value", "used", "remaining", "check"})
public record LimitView(String by, long value, long used, Long remaining, String check, @JsonIgnore String checkValue) {

    public static LimitView of(Admission.Usage u) {
        var limit = u.limit();
        return new LimitView(limit.by().wireName(), limit.value(), u.used(), limit.value() > 0 ? Math.max(0, limit.value() - u.used()) : null,
                limit.check() == null ? null : limit.check().wireName(), limit.checkValue());
    }

    /** The checked value under the check's own name, written after the fixed fields. */
    @JsonAnyGetter
    Map<String, String> checked() {
        return check == null ? Map.of() : Map.of(check, checkValue);
    }
}
