package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.OpsAuditRecord;
import java.util.Map;

/** {@code GET /ops/audit}: one operator action and its outcome ({@code error} only when it failed). */
@JsonPropertyOrder({"id", "time", "operator", "action", "target", "params", "success", "error"})
public record OpsAuditView(long id, String time, String operator, String action, String target, Map<String, Object> params,
                           boolean success, String error) {

    public static OpsAuditView of(OpsAuditRecord r) {
        return new OpsAuditView(r.id, WireTime.of(r.time), r.operator, r.action, r.target, JsonText.object(r.params), r.success, r.error);
    }
}
