package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.service.OpsAuditService;
import io.gantry.cloudapi.store.OpsAuditRecord;
import java.util.Map;

/**
 * {@code GET /ops/audit}: one operator action and its outcome: {@code succeeded}, {@code failed} (with its
 * {@code error}) or {@code unknown}, when the action began but its outcome was never written (still running, or
 * the cloud API was interrupted meanwhile: look at the target to learn what happened). {@code success} is true
 * only when it succeeded.
 */
@JsonPropertyOrder({"id", "time", "operator", "action", "target", "params", "outcome", "success", "error"})
public record OpsAuditView(long id, String time, String operator, String action, String target, Map<String, Object> params,
                           String outcome, boolean success, String error) {
    public static final String UNKNOWN = "unknown";

    public static OpsAuditView of(OpsAuditRecord r) {
        String outcome = OpsAuditService.PENDING.equals(r.outcome) ? UNKNOWN : r.outcome;
        return new OpsAuditView(r.id, WireTime.of(r.time), r.operator, r.action, r.target, JsonText.object(r.params), outcome,
                OpsAuditService.SUCCEEDED.equals(r.outcome), r.error);
    }
}
