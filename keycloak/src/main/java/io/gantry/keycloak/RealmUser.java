package io.gantry.keycloak;

import java.util.List;
import java.util.Objects;

/**
 * A user of the dev realm: enabled, email verified, no required actions, so a browser sign-in with
 * {@code username}/{@code password} goes straight through. {@code realmRoles} are extra realm roles
 * such as {@code operator}; every user also gets the realm's default roles.
 */
public record RealmUser(String username, String password, String email, String firstName, String lastName,
        List<String> realmRoles) {
    public RealmUser {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(firstName, "firstName");
        Objects.requireNonNull(lastName, "lastName");
        realmRoles = List.copyOf(realmRoles);
    }

    /** A tenant {@code name} with password {@code name-pw} and email {@code name@example.com}. */
    public static RealmUser tenant(String name, String firstName, String lastName) {
        return new RealmUser(name, name + "-pw", name + "@example.com", firstName, lastName, List.of());
    }

    /** Like {@link #tenant} with the realm role {@link DevRealm#OPERATOR_ROLE}. */
    public static RealmUser operator(String name, String firstName, String lastName) {
        return new RealmUser(name, name + "-pw", name + "@example.com", firstName, lastName, List.of(DevRealm.OPERATOR_ROLE));
    }
}
