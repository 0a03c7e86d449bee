package io.gantry.metering.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.common.GantryException;
import io.gantry.common.JsonObjectBody;
import io.gantry.metering.budget.Metric;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Period;
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
        JsonObjectBody root = JsonObjectBody.parse(body, "budget", FIELDS, SHAPE);
        Metric metric = Metric.fromWire(root.requiredText("metric"));
        JsonNode limitNode = root.required("limit");
        if (!limitNode.isNumber() || !Double.isFinite(limitNode.asDouble()) || limitNode.asDouble() < 0) {
            throw GantryException.invalid("limit must be a number >= 0 (in " + metric.wireName() + "); got " + limitNode);
        }
        Period period = Period.fromWire(root.requiredText("period"));
        Policy policy = Policy.fromWire(root.requiredText("policy"));
        int cap = DEFAULT_THROTTLE_CPU_CAP;
        JsonNode capNode = root.optional("throttle_cpu_cap");
        if (capNode != null) {
            if (!capNode.canConvertToInt() || !capNode.isIntegralNumber() || capNode.asInt() < 1) {
                throw GantryException.invalid("throttle_cpu_cap must be a whole number >= 1 (percent of one CPU); got " + capNode);
            }
            cap = capNode.asInt();
        }
        return new BudgetRequest(name, metric, limitNode.asDouble(), period, policy, cap);
    }
}
