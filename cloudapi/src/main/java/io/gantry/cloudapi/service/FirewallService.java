package io.gantry.cloudapi.service;

import io.gantry.cloudapi.store.Database;
import io.gantry.cloudapi.store.FirewallRuleRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.common.ErrorCode;
import io.gantry.common.GantryException;
import io.gantry.common.firewall.FirewallRule;
import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.hibernate.reactive.stage.Stage;

/**
 * Tenants' firewall rules in Triton's rule language, stored and matched to machines; the provisioner compiles them
 * and the nodes enforce them (see docs/cloudapi.md, Firewall). Global rules (the operator's) are listed to every
 * account, as FWAPI does, and only their owner may change them.
 */
public final class FirewallService {
    private final Stage.SessionFactory sessions;

    public FirewallService(Database db) {
        this.sessions = db.sessions();
    }

    public Future<List<FirewallRuleRecord>> list(Caller caller) {
        return Futures.of(sessions.withSession(s -> s.createSelectionQuery(
                        "from FirewallRuleRecord where accountId = :a or global = true order by created", FirewallRuleRecord.class)
                .setParameter("a", caller.account().id)
                .getResultList()));
    }

    public Future<FirewallRuleRecord> get(Caller caller, UUID id) {
        return Futures.of(sessions.withSession(s -> s.find(FirewallRuleRecord.class, id)))
                .map(r -> r != null && r.global ? r : owned(caller, id, r));
    }

    public Future<FirewallRuleRecord> create(Caller caller, String rule, Boolean enabled, String description) {
        return create(caller, rule, enabled, description, false);
    }

    /**
     * A rule of the caller's; {@code global} (an operator's, through {@code /ops/fwrules}): one that protects every
     * account's machines, listed to every account and changed only by the caller's account.
     */
    public Future<FirewallRuleRecord> create(Caller caller, String rule, Boolean enabled, String description, boolean global) {
        try {
            requireValid(rule);
        } catch (GantryException e) {
            return Future.failedFuture(e);
        }
        FirewallRuleRecord r = new FirewallRuleRecord();
        r.id = UUID.randomUUID();
        r.accountId = caller.account().id;
        r.rule = rule.trim();
        r.enabled = Boolean.TRUE.equals(enabled);
        r.description = description;
        r.global = global;
        r.created = MachineService.now();
        r.updated = r.created;
        return Futures.of(sessions.withTransaction((s, tx) -> s.persist(r).thenApply(v -> r)));
    }

    public Future<FirewallRuleRecord> update(Caller caller, UUID id, Consumer<FirewallRuleRecord> edit) {
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(FirewallRuleRecord.class, id).thenApply(r -> {
            FirewallRuleRecord mine = owned(caller, id, r);
            edit.accept(mine);
            requireValid(mine.rule);
            mine.updated = MachineService.now();
            return mine;
        })));
    }

    public Future<Void> delete(Caller caller, UUID id) {
        return Futures.of(sessions.withTransaction((s, tx) -> s.find(FirewallRuleRecord.class, id).thenCompose(r -> s.remove(owned(caller, id, r)))));
    }

    /** Whether a rule names this machine, on either side: by id, through "all vms", or by one of its tags. */
    public static boolean appliesTo(FirewallRuleRecord rule, MachineRecord m) {
        FirewallRule parsed;
        try {
            parsed = FirewallRule.parse(rule.rule);
        } catch (GantryException e) {
            return false; // stored before the rule language was checked word by word: it names nothing
        }
        return parsed.names(m.id, JsonText.object(m.tags));
    }

    private static void requireValid(String rule) {
        if (rule == null || rule.isBlank()) {
            throw new GantryException(ErrorCode.MissingParameter, "rule is required, e.g. FROM any TO all vms ALLOW tcp PORT 22");
        }
        FirewallRule.parse(rule);
    }

    private static FirewallRuleRecord owned(Caller caller, UUID id, FirewallRuleRecord r) {
        if (r != null && r.global && !r.accountId.equals(caller.account().id)) {
            throw new GantryException(ErrorCode.NotAuthorized, "firewall rule " + id + " is a global rule of the operator's;"
                    + " it applies to every account and only the operator can change it");
        }
        if (r == null || !r.accountId.equals(caller.account().id)) {
            throw GantryException.notFound("firewall rule " + id + " not found");
        }
        return r;
    }
}
