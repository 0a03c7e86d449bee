package io.gantry.cloudapi.api;

import io.gantry.cloudapi.admission.Admission;
import io.gantry.cloudapi.service.JsonText;
import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.AuditRecord;
import io.gantry.cloudapi.store.FirewallRuleRecord;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.KeyRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.PackageRecord;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records as Triton clients expect to see them: field names, units and state names of CloudAPI. */
final class Views {
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

    private Views() {
    }

    static String time(OffsetDateTime t) {
        return t == null ? null : ISO.format(t.withOffsetSameInstant(java.time.ZoneOffset.UTC));
    }

    static Map<String, Object> account(AccountRecord a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id.toString());
        v.put("login", a.login);
        v.put("email", a.email);
        v.put("companyName", a.companyName);
        v.put("firstName", a.firstName);
        v.put("lastName", a.lastName);
        v.put("created", time(a.created));
        v.put("updated", time(a.updated));
        return v;
    }

    static Map<String, Object> key(KeyRecord k) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("name", k.name);
        v.put("fingerprint", k.fingerprint);
        v.put("key", k.keyText);
        return v;
    }

    static Map<String, Object> pkg(PackageRecord p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", p.id.toString());
        v.put("name", p.name);
        v.put("memory", p.memory);
        v.put("disk", p.disk);
        v.put("swap", p.swap);
        v.put("vcpus", p.vcpus);
        v.put("lwps", p.lwps);
        v.put("version", p.version);
        v.put("group", p.group);
        v.put("description", p.description);
        v.put("default", p.isDefault);
        return v;
    }

    static Map<String, Object> image(ImageRecord i) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", i.id.toString());
        v.put("name", i.name);
        v.put("version", i.version);
        v.put("os", i.os);
        v.put("type", i.type);
        v.put("state", i.state);
        v.put("public", i.isPublic);
        v.put("published_at", time(i.publishedAt));
        v.put("description", i.description);
        v.put("requirements", Map.of());
        v.put("tags", Map.of());
        return v;
    }

    static Map<String, Object> network(NetworkRecord n) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", n.id.toString());
        v.put("name", n.name);
        v.put("public", n.isPublic);
        v.put("fabric", n.fabric);
        v.put("subnet", n.subnet);
        v.put("gateway", n.gateway);
        v.put("provision_start_ip", n.provisionStartIp);
        v.put("provision_end_ip", n.provisionEndIp);
        v.put("resolvers", List.of());
        v.put("description", n.description);
        return v;
    }

    static Map<String, Object> machine(MachineRecord m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", m.id.toString());
        v.put("name", m.name);
        v.put("type", "smartmachine");
        v.put("brand", m.brand);
        v.put("state", m.state);
        v.put("image", m.imageId.toString());
        v.put("ips", m.ip == null ? List.of() : List.of(m.ip));
        v.put("memory", m.memory);
        v.put("disk", m.disk);
        v.put("metadata", JsonText.object(m.metadata));
        v.put("tags", JsonText.object(m.tags));
        v.put("created", time(m.created));
        v.put("updated", time(m.updated));
        v.put("docker", false);
        v.put("networks", JsonText.list(m.networks));
        if (m.ip != null) {
            v.put("primaryIp", m.ip);
        }
        v.put("firewall_enabled", m.firewallEnabled);
        v.put("deletion_protection", m.deletionProtection);
        v.put("compute_node", m.computeNode);
        v.put("package", m.resizingFrom != null ? m.resizingFrom : m.packageName);
        v.put("dns_names", List.of());
        if (m.error != null) {
            v.put("error", m.error);
        }
        return v;
    }

    static Map<String, Object> audit(AuditRecord a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("action", a.action);
        v.put("parameters", JsonText.object(a.params));
        v.put("success", a.success ? "yes" : "no");
        // a tenant's request names its key; a platform service (metering enforcing a budget) names itself
        v.put("caller", a.caller.startsWith("/") ? Map.of("type", "signature", "keyId", a.caller) : Map.of("type", a.caller));
        v.put("time", time(a.time));
        return v;
    }

    static Map<String, Object> fwrule(FirewallRuleRecord r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id.toString());
        v.put("rule", r.rule);
        v.put("enabled", r.enabled);
        v.put("global", r.global);
        v.put("description", r.description);
        v.put("created", time(r.created));
        v.put("updated", time(r.updated));
        return v;
    }

    static Map<String, Object> limit(Admission.Usage u) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("by", u.limit().by().wireName());
        v.put("value", u.limit().value());
        v.put("used", u.used());
        if (u.limit().value() > 0) {
            v.put("remaining", Math.max(0, u.limit().value() - u.used()));
        }
        if (u.limit().check() != null) {
            v.put("check", u.limit().check().wireName());
            v.put(u.limit().check().wireName(), u.limit().checkValue());
        }
        return v;
    }

    /**
     * A usage budget shown among the limits: {@code by} is the metric, {@code value} the limit per
     * period, so the triton CLI's table lists it beside the provisioning limits.
     */
    static Map<String, Object> budget(Map<String, Object> b) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("by", b.get("metric"));
        v.put("value", b.get("limit"));
        v.put("used", b.get("used"));
        v.put("remaining", b.get("remaining"));
        v.put("budget", b.get("name"));
        v.put("period", b.get("period"));
        v.put("policy", b.get("policy"));
        v.put("state", b.get("state"));
        v.put("period_start", b.get("period_start"));
        v.put("period_end", b.get("period_end"));
        if (b.get("breached_at") != null) {
            v.put("breached_at", b.get("breached_at"));
        }
        return v;
    }
}
