package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.limits.ProvisionLimit;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitRequestTest {
    private static ProvisionLimit parse(String by, String json) {
        return LimitRequest.parse(by, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLimitIsReadWithOrWithoutItsCheck() {
        assertThat(parse("ram", "{\"value\":4096}")).isEqualTo(new ProvisionLimit(ProvisionLimit.By.RAM, 4096, null, null));
        assertThat(parse("count", "{\"value\":-1,\"check\":\"brand\",\"check_value\":\"joyent\"}"))
                .isEqualTo(new ProvisionLimit(ProvisionLimit.By.COUNT, -1, ProvisionLimit.Check.BRAND, "joyent"));
        assertThat(LimitRequest.scope("vcpus", Map.of("check", "os", "check_value", "linux")))
                .isEqualTo(new ProvisionLimit.Scope(ProvisionLimit.By.VCPUS, ProvisionLimit.Check.OS, "linux"));
        assertThat(LimitRequest.scope("quota", Map.of())).isEqualTo(new ProvisionLimit.Scope(ProvisionLimit.By.QUOTA, null, null));
    }

    @Test
    void everyBadPartIsNamed() {
        assertThatThrownBy(() -> parse("disk", "{\"value\":1}")).hasMessageContaining("count, ram, quota or vcpus; got 'disk'");
        assertThatThrownBy(() -> parse("count", "{\"value\":-2}")).hasMessageContaining("got -2");
        assertThatThrownBy(() -> parse("count", "{\"value\":\"3\"}")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> parse("count", "{\"value\":1e30}")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> parse("count", "{\"value\":null}")).hasMessageContaining("value is missing");
        assertThatThrownBy(() -> parse("count", "{\"value\":1,\"check\":\"os\"}")).hasMessageContaining("go together");
        assertThatThrownBy(() -> parse("count", "{\"value\":1,\"check\":\"os\",\"check_value\":\" \"}"))
                .hasMessageContaining("check_value must not be empty");
        assertThatThrownBy(() -> parse("count", "{\"value\":1,\"check\":7,\"check_value\":\"x\"}")).hasMessageContaining("check must be a string");
        assertThatThrownBy(() -> parse("count", "{\"value\":1,\"by\":\"ram\"}")).hasMessageContaining("unknown field 'by'");
        assertThatThrownBy(() -> parse("count", "[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> LimitRequest.parse("count", null)).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> LimitRequest.scope("count", Map.of("check_value", "x"))).hasMessageContaining("go together");
        assertThatThrownBy(() -> LimitRequest.scope("count", Map.of("image", "x"))).hasMessageContaining("unknown parameter 'image'");
    }
}
