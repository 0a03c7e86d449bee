package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.AccountRecord;

/** An account as operators see it: the tenant's view plus whether it is an operator and whether (since when) it is disabled. */
@JsonPropertyOrder({"id", "login", "email", "operator", "disabled", "disabledAt", "created", "updated"})
public record OperatorAccountView(String id, String login, String email, boolean operator, boolean disabled, String disabledAt,
                                  String created, String updated) {

    public static OperatorAccountView of(AccountRecord a) {
        return new OperatorAccountView(a.id.toString(), a.login, a.email, a.operator, a.disabledAt != null, WireTime.of(a.disabledAt),
                WireTime.of(a.created), WireTime.of(a.updated));
    }
}
