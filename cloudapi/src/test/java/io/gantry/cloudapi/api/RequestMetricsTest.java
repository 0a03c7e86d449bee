package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    @Test
    void routesNameResourcesAndHideLoginsAndIdentifiers() {
        assertThat(RequestMetrics.route("/--ping")).isEqualTo("/--ping");
        assertThat(RequestMetrics.route("/demo")).isEqualTo("/:login");
        assertThat(RequestMetrics.route("/my/machines")).isEqualTo("/:login/machines");
        assertThat(RequestMetrics.route("/demo/machines/3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10/tags/role"))
                .isEqualTo("/:login/machines/:id/tags/:id");
        assertThat(RequestMetrics.route("/demo/whatever-a-client-sends/x/y/z/w")).isEqualTo("/:login/:id/:id/:id/:id/...");
    }
}
