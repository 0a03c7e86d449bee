package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.AccountRecord;

/** {@code GET /:login}: the account. */
@JsonPropertyOrder({"id", "login", "email", "companyName", "firstName", "lastName", "created", "updated"})
public record AccountView(String id, String login, String email, String companyName, String firstName, String lastName,
                          String created, String updated) {

    public static AccountView of(AccountRecord a) {
        return new AccountView(a.id.toString(), a.login, a.email, a.companyName, a.firstName, a.lastName,
                WireTime.of(a.created), WireTime.of(a.updated));
    }
}
