package io.gantry.cloudapi.api.view;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.gantry.cloudapi.store.FirewallRuleRecord;

/** A firewall rule in its Triton rule language. */
@JsonPropertyOrder({"id", "rule", "enabled", "global", "description", "created", "updated"})
public record FirewallRuleView(String id, String rule, boolean enabled, boolean global, String description, String created,
                               String updated) {

    public static FirewallRuleView of(FirewallRuleRecord r) {
        return new FirewallRuleView(r.id.toString(), r.rule, r.enabled, r.global, r.description, WireTime.of(r.created),
                WireTime.of(r.updated));
    }
}
