package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.AccountRecord;

/**
 * An account as operators see it: the tenant's view plus whether it is an operator, whether (since when) it is
 * disabled, and the identity-provider user it belongs to ({@code idpIssuer}, {@code idpSubject}: the person whose
 * first sign-in created it; null for accounts operators created).
 */
@JsonPropertyOrder({"id", "login", "email", "operator", "disabled", "disabledAt", "idpIssuer", "idpSubject", "created", "updated"})
public record OperatorAccountView(String id, String login, String email, boolean operator, boolean disabled, String disabledAt,
                                  String idpIssuer, String idpSubject, String created, String updated) {

    public static OperatorAccountView of(AccountRecord a) {
        return new OperatorAccountView(a.id.toString(), a.login, a.email, a.operator, a.disabledAt != null, WireTime.of(a.disabledAt),
                a.idpIssuer, a.idpSubject, WireTime.of(a.created), WireTime.of(a.updated));
    }
}
