package io.gantry.metering.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.metering.budget.Metric;
import io.gantry.metering.budget.Policy;
import io.gantry.metering.usage.Period;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BudgetRequestTest {
    private static BudgetRequest parse(String name, String json) {
        return BudgetRequest.parse(name, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCompleteBudgetIsRead() {
        BudgetRequest r = parse("cpu-month", "{\"metric\":\"cpu_hours\",\"limit\":12.5,\"period\":\"month\",\"policy\":\"throttle\","
                + "\"throttle_cpu_cap\":25}");

        assertThat(r).isEqualTo(new BudgetRequest("cpu-month", Metric.CPU_HOURS, 12.5, Period.MONTH, Policy.THROTTLE, 25));
        assertThat(parse("n", "{\"metric\":\"network_gb\",\"limit\":0,\"period\":\"day\",\"policy\":\"stop\"}").throttleCpuCap())
                .isEqualTo(BudgetRequest.DEFAULT_THROTTLE_CPU_CAP);
    }

    @Test
    void everyBadFieldIsNamed() {
        String ok = "\"metric\":\"cpu_hours\",\"limit\":1,\"period\":\"day\",\"policy\":\"notify\"";
        assertThatThrownBy(() -> parse("b", "{\"limit\":1,\"period\":\"day\",\"policy\":\"notify\"}")).hasMessageContaining("metric is missing");
        assertThatThrownBy(() -> parse("b", "{\"metric\":\"cpu_hours\",\"period\":\"day\",\"policy\":\"notify\"}"))
                .hasMessageContaining("limit is missing");
        assertThatThrownBy(() -> parse("b", "{\"metric\":\"cpu_hours\",\"limit\":-1,\"period\":\"day\",\"policy\":\"notify\"}"))
                .hasMessageContaining("limit must be a number >= 0");
        assertThatThrownBy(() -> parse("b", "{\"metric\":\"cpu_hours\",\"limit\":\"1\",\"period\":\"day\",\"policy\":\"notify\"}"))
                .hasMessageContaining("limit must be a number");
        assertThatThrownBy(() -> parse("b", "{\"metric\":\"cpu\",\"limit\":1,\"period\":\"day\",\"policy\":\"notify\"}"))
                .hasMessageContaining("metric must be one of");
        assertThatThrownBy(() -> parse("b", "{\"metric\":\"cpu_hours\",\"limit\":1,\"period\":\"week\",\"policy\":\"notify\"}"))
                .hasMessageContaining("hour, day or month");
        assertThatThrownBy(() -> parse("b", "{" + ok + ",\"throttle_cpu_cap\":0}")).hasMessageContaining("throttle_cpu_cap");
        assertThatThrownBy(() -> parse("b", "{" + ok + ",\"throttle_cpu_cap\":2.5}")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> parse("b", "{" + ok + ",\"limt\":3}")).hasMessageContaining("unknown field 'limt'");
        assertThatThrownBy(() -> parse("b", "[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> parse("b", "{\"metric\":")).hasMessageContaining("malformed budget JSON");
        assertThatThrownBy(() -> parse("-bad", "{" + ok + "}")).hasMessageContaining("budget name '-bad' is not valid");
    }
}
