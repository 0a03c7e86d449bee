package io.gantry.metering.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.metering.budget.Metric;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Period;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/** A checked {@code PUT /v1/accounts/:account/budgets/:name} body. */
public record BudgetRequest(String name, Metric metric, double limit, Period period, Policy policy, int throttleCpuCap) {
    public static final int DEFAULT_THROTTLE_CPU_CAP = 10;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final Set<String> FIELDS = Set.of("metric", "limit", "period", "policy", "throttle_cpu_cap");
    private static final String SHAPE = "a budget is {\"metric\": one of " + Metric.accepted()
            + ", \"limit\": a number >= 0, \"period\": hour|day|month, \"policy\": notify|throttle|stop, "
            + "\"throttle_cpu_cap\": percent of one CPU >= 1 (optional, default " + DEFAULT_THROTTLE_CPU_CAP + ")}";

    public static BudgetRequest parse(String name, byte[] body) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw GantryException.invalid("budget name '" + name + "' is not valid: 1-64 letters, digits, '_', '.' or '-', "
                    + "starting with a letter or digit");
        }
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : Json.mapper().readTree(body);
        } catch (IOException e) {
            throw GantryException.invalid("malformed budget JSON: " + e.getMessage().lines().findFirst().orElse("") + "; " + SHAPE);
        }
        if (root == null || !root.isObject()) {
            throw GantryException.invalid("the body must be a JSON object; " + SHAPE);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw GantryException.invalid("unknown field '" + field + "'; " + SHAPE);
            }
        }
        Metric metric = Metric.fromWire(text(root, "metric"));
        JsonNode limitNode = root.get("limit");
        if (limitNode == null || limitNode.isNull()) {
            throw GantryException.invalid("limit is missing; " + SHAPE);
        }
        if (!limitNode.isNumber() || !Double.isFinite(limitNode.asDouble()) || limitNode.asDouble() < 0) {
            throw GantryException.invalid("limit must be a number >= 0 (in " + metric.wireName() + "); got " + limitNode);
        }
        Period period = Period.fromWire(text(root, "period"));
        Policy policy = Policy.fromWire(text(root, "policy"));
        int cap = DEFAULT_THROTTLE_CPU_CAP;
        JsonNode capNode = root.get("throttle_cpu_cap");
        if (capNode != null && !capNode.isNull()) {
            if (!capNode.canConvertToInt() || !capNode.isIntegralNumber() || capNode.asInt() < 1) {
                throw GantryException.invalid("throttle_cpu_cap must be a whole number >= 1 (percent of one CPU); got " + capNode);
            }
            cap = capNode.asInt();
        }
        return new BudgetRequest(name, metric, limitNode.asDouble(), period, policy, cap);
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw GantryException.invalid(field + " is missing; " + SHAPE);
        }
        if (!n.isTextual()) {
            throw GantryException.invalid(field + " must be a string; got " + n + "; " + SHAPE);
        }
        return n.asText();
    }
}
