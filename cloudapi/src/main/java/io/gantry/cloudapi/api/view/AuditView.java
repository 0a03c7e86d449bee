package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.AuditRecord;
import java.util.Map;

/** One entry of a machine's audit trail; {@code success} is "yes" or "no", as in CloudAPI. */
@JsonPropertyOrder({"action", "parameters", "success", "caller", "time"})
public record AuditView(String action, Map<String, Object> parameters, String success, Caller caller, String time) {

    public static AuditView of(AuditRecord a) {
        return new AuditView(tritonAction(a.action), JsonText.object(a.params), a.success ? "yes" : "no", Caller.of(a.caller), WireTime.of(a.time));
    }

    /** Triton's names for the snapshot jobs' entries (the triton CLI's {@code snapshot delete -w} waits for {@code delete_snapshot}). */
    private static String tritonAction(String action) {
        return switch (action) {
            case "snapshot_create" -> "create_snapshot";
            case "snapshot_delete" -> "delete_snapshot";
            default -> action;
        };
    }

    /** A tenant's request names its key ({@code keyId}); a platform service (metering enforcing a budget) names itself. */
    @JsonPropertyOrder({"type", "keyId"})
    public record Caller(String type, String keyId) {

        static Caller of(String caller) {
            return caller.startsWith("/") ? new Caller("signature", caller) : new Caller(caller, null);
        }
    }
}
