package io.gantry.cloudapi.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.GantryException;
import io.gantry.common.JsonObjectBody;
import io.gantry.common.limits.ProvisionLimit;
import java.util.Map;
import java.util.Set;

/**
 * A checked {@code PUT /ops/accounts/:login/limits/:by} body or {@code DELETE} query. The limit's
 * own rules are {@link ProvisionLimit}'s, the ones admission checks machines by; this adds only what
 * the JSON must look like.
 */
public final class LimitRequest {
    private static final Set<String> FIELDS = Set.of("value", "check", "check_value");
    private static final String SHAPE = "a limit is {\"value\": -1 (no provisioning), 0 (unlimited) or a positive whole number, "
            + "\"check\": image|brand|os, \"check_value\": the image name, brand or os it counts (check and check_value optional, together)}";

    private LimitRequest() {
    }

    public static ProvisionLimit parse(String by, byte[] body) {
        ProvisionLimit.By what = ProvisionLimit.By.fromWire(by);
        JsonObjectBody root = JsonObjectBody.parse(body, "limit", FIELDS, SHAPE);
        JsonNode value = root.required("value");
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw GantryException.invalid("value must be a whole number: -1 (no provisioning), 0 (unlimited) or positive; got " + value);
        }
        return new ProvisionLimit(what, value.asLong(), ProvisionLimit.Check.fromWire(root.optionalText("check")),
                checkValue(root.optionalText("check_value")));
    }

    /** The limit a DELETE names: its {@code by} and the optional {@code check} and {@code check_value} query parameters. */
    public static ProvisionLimit.Scope scope(String by, Map<String, String> query) {
        ProvisionLimit.By what = ProvisionLimit.By.fromWire(by);
        for (String name : query.keySet()) {
            if (!name.equals("check") && !name.equals("check_value")) {
                throw GantryException.invalid("unknown parameter '" + name + "': accepted are check (image, brand or os) and check_value");
            }
        }
        return new ProvisionLimit.Scope(what, ProvisionLimit.Check.fromWire(query.get("check")), checkValue(query.get("check_value")));
    }

    private static String checkValue(String text) {
        if (text != null && text.isBlank()) {
            throw GantryException.invalid("check_value must not be empty: it is the image name, brand or os the limit counts");
        }
        return text;
    }
}
