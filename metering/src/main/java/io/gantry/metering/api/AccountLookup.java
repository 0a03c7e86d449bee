package io.gantry.metering.api;

import static io.gantry.metering.api.Requests.on;

import io.gantry.common.GantryException;
import io.gantry.metering.store.Account;
import io.gantry.metering.store.BudgetStore;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The account a request's {@code :account} path parameter names (its id or its login); 404 when there is none. */
record AccountLookup(BudgetStore budgets) {
    Future<Account> account(RoutingContext ctx) {
        String ref = ctx.pathParam("account");
        return on(ctx, budgets.account(ref)).map(found -> found.orElseThrow(() -> GantryException.notFound("account " + ref + " not found")));
    }

    /**
     * An account of the cloud API (budgets act on its machines), not a tenant
     * known only from usage records; {@code what} names what needs one.
     */
    Future<Account> cloudAccount(RoutingContext ctx, String what) {
        return account(ctx).map(a -> {
            try {
                UUID.fromString(a.id());
                return a;
            } catch (IllegalArgumentException e) {
                throw GantryException.notFound("account " + a.login() + " is not an account of the cloud API; " + what + " need one");
            }
        });
    }
}
