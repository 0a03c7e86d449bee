package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gantry.cloudapi.admission.Admission;
import io.gantry.cloudapi.api.view.AccountView;
import io.gantry.cloudapi.api.view.AuditView;
import io.gantry.cloudapi.api.view.BudgetView;
import io.gantry.cloudapi.api.view.FirewallRuleView;
import io.gantry.cloudapi.api.view.ImageView;
import io.gantry.cloudapi.api.view.KeyView;
import io.gantry.cloudapi.api.view.LimitView;
import io.gantry.cloudapi.api.view.MachineView;
import io.gantry.cloudapi.api.view.NetworkView;
import io.gantry.cloudapi.api.view.PackageView;
import io.gantry.cloudapi.store.AccountRecord;
import io.gantry.cloudapi.store.AuditRecord;
import io.gantry.cloudapi.store.FirewallRuleRecord;
import io.gantry.cloudapi.store.ImageRecord;
import io.gantry.cloudapi.store.KeyRecord;
import io.gantry.cloudapi.store.MachineRecord;
import io.gantry.cloudapi.store.NetworkRecord;
import io.gantry.cloudapi.store.PackageRecord;
import io.gantry.common.Json;
import io.gantry.common.limits.ProvisionLimit;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The exact JSON text of every CloudAPI view, fields present and absent, nulls and empty
 * collections: the triton CLI parses these bodies, so a change to how views are built must not
 * change a byte of them.
 */
class ViewsGoldenTest {
    private static final UUID ID = UUID.fromString("3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10");
    private static final UUID OTHER = UUID.fromString("00000000-0000-4000-8000-000000000002");
    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 3, 1, 14, 5, 6, 789_000_000, ZoneOffset.ofHours(2));
    private static final OffsetDateTime UPDATED = OffsetDateTime.of(2026, 3, 2, 0, 0, 0, 0, ZoneOffset.UTC);

    private static String json(Object view) {
        return Json.write(view);
    }

    @Test
    void account() {
        AccountRecord a = new AccountRecord();
        a.id = ID;
        a.login = "demo";
        a.email = "demo@example.com";
        a.companyName = "Acme";
        a.firstName = "Ada";
        a.lastName = "Lovelace";
        a.created = CREATED;
        a.updated = UPDATED;
        assertThat(json(AccountView.of(a))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"login\":\"demo\",\"email\":\"demo@example.com\",\"companyName\":\"Acme\","
                + "\"firstName\":\"Ada\",\"lastName\":\"Lovelace\",\"created\":\"2026-03-01T12:05:06.789Z\","
                + "\"updated\":\"2026-03-02T00:00:00.000Z\"}");
        a.companyName = null;
        a.firstName = null;
        a.lastName = null;
        a.updated = null;
        assertThat(json(AccountView.of(a))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"login\":\"demo\",\"email\":\"demo@example.com\","
                + "\"created\":\"2026-03-01T12:05:06.789Z\"}");
    }

    @Test
    void key() {
        KeyRecord k = new KeyRecord();
        k.id = ID;
        k.accountId = OTHER;
        k.name = "laptop";
        k.fingerprint = "SHA256:abc";
        k.sha256 = "abc";
        k.keyText = "ssh-ed25519 AAAA demo";
        k.created = CREATED;
        assertThat(json(KeyView.of(k))).isEqualTo("{\"name\":\"laptop\",\"fingerprint\":\"SHA256:abc\",\"key\":\"ssh-ed25519 AAAA demo\"}");
        k.name = null;
        assertThat(json(KeyView.of(k))).isEqualTo("{\"fingerprint\":\"SHA256:abc\",\"key\":\"ssh-ed25519 AAAA demo\"}");
    }

    @Test
    void pkg() {
        PackageRecord p = new PackageRecord();
        p.id = ID;
        p.name = "g1-small";
        p.memory = 1024;
        p.swap = 2048;
        p.disk = 10240;
        p.vcpus = 1;
        p.cpuCap = 100;
        p.lwps = 2000;
        p.version = "1.0.0";
        p.group = "general";
        p.description = "small";
        p.isDefault = true;
        assertThat(json(PackageView.of(p))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"g1-small\",\"memory\":1024,\"disk\":10240,\"swap\":2048,"
                + "\"vcpus\":1,\"lwps\":2000,\"version\":\"1.0.0\",\"group\":\"general\",\"description\":\"small\",\"default\":true}");
        p.memory = 5_000_000_000L;
        p.version = null;
        p.group = null;
        p.description = null;
        p.isDefault = false;
        assertThat(json(PackageView.of(p))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"g1-small\",\"memory\":5000000000,\"disk\":10240,\"swap\":2048,"
                + "\"vcpus\":1,\"lwps\":2000,\"default\":false}");
    }

    @Test
    void image() {
        ImageRecord i = new ImageRecord();
        i.id = ID;
        i.name = "base-64";
        i.version = "23.4.0";
        i.os = "smartos";
        i.type = "zone-dataset";
        i.state = "active";
        i.isPublic = true;
        i.publishedAt = CREATED;
        i.description = "base image";
        i.nodeImage = "/var/images/base";
        assertThat(json(ImageView.of(i))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"base-64\",\"version\":\"23.4.0\",\"os\":\"smartos\","
                + "\"type\":\"zone-dataset\",\"state\":\"active\",\"public\":true,\"published_at\":\"2026-03-01T12:05:06.789Z\","
                + "\"description\":\"base image\",\"requirements\":{},\"tags\":{}}");
        i.version = null;
        i.isPublic = false;
        i.publishedAt = null;
        i.description = null;
        assertThat(json(ImageView.of(i))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"base-64\",\"os\":\"smartos\",\"type\":\"zone-dataset\","
                + "\"state\":\"active\",\"public\":false,\"requirements\":{},\"tags\":{}}");
    }

    @Test
    void network() {
        NetworkRecord n = new NetworkRecord();
        n.id = ID;
        n.name = "external";
        n.isPublic = true;
        n.fabric = false;
        n.subnet = "10.88.0.0/24";
        n.gateway = "10.88.0.1";
        n.provisionStartIp = "10.88.0.10";
        n.provisionEndIp = "10.88.0.250";
        n.description = "the public network";
        assertThat(json(NetworkView.of(n))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"external\",\"public\":true,\"fabric\":false,"
                + "\"subnet\":\"10.88.0.0/24\",\"gateway\":\"10.88.0.1\",\"provision_start_ip\":\"10.88.0.10\","
                + "\"provision_end_ip\":\"10.88.0.250\",\"resolvers\":[],\"description\":\"the public network\"}");
        n.isPublic = false;
        n.fabric = true;
        n.gateway = null;
        n.provisionStartIp = null;
        n.provisionEndIp = null;
        n.description = null;
        assertThat(json(NetworkView.of(n))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"external\",\"public\":false,\"fabric\":true,"
                + "\"subnet\":\"10.88.0.0/24\",\"resolvers\":[]}");
    }

    @Test
    void machine() {
        MachineRecord m = new MachineRecord();
        m.id = ID;
        m.accountId = OTHER;
        m.name = "web-1";
        m.state = "running";
        m.brand = "joyent";
        m.imageId = OTHER;
        m.imageName = "base-64";
        m.os = "smartos";
        m.packageId = OTHER;
        m.packageName = "g1-small";
        m.resizingFrom = null;
        m.memory = 1024;
        m.swap = 2048;
        m.disk = 10240;
        m.vcpus = 1;
        m.cpuCap = 100;
        m.lwps = 2000;
        m.computeNode = "cn-1";
        m.ip = "10.88.0.11";
        m.error = null;
        m.networks = "[\"" + OTHER + "\"]";
        m.tags = "{\"role\":\"web\",\"count\":3,\"ratio\":1.5,\"on\":true,\"none\":null}"; // the shared mapper drops the null
        m.metadata = "{\"user-script\":\"#!/bin/sh\",\"nested\":{\"a\":[1,2]}}";
        m.affinity = "[]";
        m.firewallEnabled = true;
        m.deletionProtection = true;
        m.created = CREATED;
        m.updated = UPDATED;
        assertThat(json(MachineView.of(m))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"web-1\",\"type\":\"smartmachine\",\"brand\":\"joyent\","
                + "\"state\":\"running\",\"image\":\"00000000-0000-4000-8000-000000000002\",\"ips\":[\"10.88.0.11\"],\"memory\":1024,"
                + "\"disk\":10240,\"metadata\":{\"user-script\":\"#!/bin/sh\",\"nested\":{\"a\":[1,2]}},\"tags\":{\"role\":\"web\",\"count\":3,"
                + "\"ratio\":1.5,\"on\":true},\"created\":\"2026-03-01T12:05:06.789Z\",\"updated\":\"2026-03-02T00:00:00.000Z\","
                + "\"docker\":false,\"networks\":[\"00000000-0000-4000-8000-000000000002\"],\"primaryIp\":\"10.88.0.11\","
                + "\"firewall_enabled\":true,\"deletion_protection\":true,\"compute_node\":\"cn-1\",\"package\":\"g1-small\",\"dns_names\":[]}");
        m.resizingFrom = "g1-medium";
        m.error = "zone failed to start: exit 1";
        m.memory = 5_000_000_000L;
        assertThat(json(MachineView.of(m))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"name\":\"web-1\",\"type\":\"smartmachine\",\"brand\":\"joyent\","
                + "\"state\":\"running\",\"image\":\"00000000-0000-4000-8000-000000000002\",\"ips\":[\"10.88.0.11\"],\"memory\":5000000000,"
                + "\"disk\":10240,\"metadata\":{\"user-script\":\"#!/bin/sh\",\"nested\":{\"a\":[1,2]}},\"tags\":{\"role\":\"web\",\"count\":3,"
                + "\"ratio\":1.5,\"on\":true},\"created\":\"2026-03-01T12:05:06.789Z\",\"updated\":\"2026-03-02T00:00:00.000Z\","
                + "\"docker\":false,\"networks\":[\"00000000-0000-4000-8000-000000000002\"],\"primaryIp\":\"10.88.0.11\","
                + "\"firewall_enabled\":true,\"deletion_protection\":true,\"compute_node\":\"cn-1\",\"package\":\"g1-medium\",\"dns_names\":[],"
                + "\"error\":\"zone failed to start: exit 1\"}");
        m.name = null;
        m.brand = null;
        m.state = "provisioning";
        m.packageName = null;
        m.resizingFrom = null;
        m.computeNode = null;
        m.ip = null;
        m.error = null;
        m.networks = null;
        m.tags = "";
        m.metadata = null;
        m.firewallEnabled = false;
        m.deletionProtection = false;
        m.created = null;
        m.updated = null;
        assertThat(json(MachineView.of(m))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"type\":\"smartmachine\",\"state\":\"provisioning\","
                + "\"image\":\"00000000-0000-4000-8000-000000000002\",\"ips\":[],\"memory\":5000000000,\"disk\":10240,\"metadata\":{},"
                + "\"tags\":{},\"docker\":false,\"networks\":[],\"firewall_enabled\":false,\"deletion_protection\":false,\"dns_names\":[]}");
    }

    @Test
    void audit() {
        AuditRecord a = new AuditRecord();
        a.id = 7L;
        a.machineId = ID;
        a.action = "start";
        a.success = true;
        a.time = CREATED;
        a.caller = "/demo/keys/SHA256:abc";
        a.params = "{\"name\":\"web-1\",\"count\":2}";
        // the old map view wrote the caller's two keys in Map.of order, which differed from one JVM to the next
        assertThat(json(AuditView.of(a))).isEqualTo("{\"action\":\"start\",\"parameters\":{\"name\":\"web-1\",\"count\":2},\"success\":\"yes\","
                + "\"caller\":{\"type\":\"signature\",\"keyId\":\"/demo/keys/SHA256:abc\"},\"time\":\"2026-03-01T12:05:06.789Z\"}");
        a.action = "stop";
        a.success = false;
        a.caller = "metering";
        a.params = null;
        a.time = null;
        assertThat(json(AuditView.of(a))).isEqualTo("{\"action\":\"stop\",\"parameters\":{},\"success\":\"no\",\"caller\":{\"type\":\"metering\"}}");
    }

    @Test
    void fwrule() {
        FirewallRuleRecord r = new FirewallRuleRecord();
        r.id = ID;
        r.accountId = OTHER;
        r.rule = "FROM any TO all vms ALLOW tcp PORT 22";
        r.enabled = true;
        r.global = false;
        r.description = "ssh";
        r.created = CREATED;
        r.updated = UPDATED;
        assertThat(json(FirewallRuleView.of(r))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"rule\":\"FROM any TO all vms ALLOW tcp PORT 22\",\"enabled\":true,"
                + "\"global\":false,\"description\":\"ssh\",\"created\":\"2026-03-01T12:05:06.789Z\",\"updated\":\"2026-03-02T00:00:00.000Z\"}");
        r.enabled = false;
        r.global = true;
        r.description = null;
        r.updated = null;
        assertThat(json(FirewallRuleView.of(r))).isEqualTo("{\"id\":\"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10\",\"rule\":\"FROM any TO all vms ALLOW tcp PORT 22\",\"enabled\":false,"
                + "\"global\":true,\"created\":\"2026-03-01T12:05:06.789Z\"}");
    }

    @Test
    void limit() {
        var unlimited = new Admission.Usage(new ProvisionLimit(ProvisionLimit.By.COUNT, ProvisionLimit.UNLIMITED, null, null), 3);
        assertThat(json(LimitView.of(unlimited))).isEqualTo("{\"by\":\"count\",\"value\":0,\"used\":3}");
        var over = new Admission.Usage(new ProvisionLimit(ProvisionLimit.By.RAM, 4096, null, null), 8192);
        assertThat(json(LimitView.of(over))).isEqualTo("{\"by\":\"ram\",\"value\":4096,\"used\":8192,\"remaining\":0}");
        var checked = new Admission.Usage(new ProvisionLimit(ProvisionLimit.By.VCPUS, 8, ProvisionLimit.Check.IMAGE, "base-64"), 2);
        assertThat(json(LimitView.of(checked))).isEqualTo("{\"by\":\"vcpus\",\"value\":8,\"used\":2,\"remaining\":6,\"check\":\"image\",\"image\":\"base-64\"}");
        var forbidden = new Admission.Usage(new ProvisionLimit(ProvisionLimit.By.QUOTA, ProvisionLimit.FORBIDDEN,
                ProvisionLimit.Check.OS, "linux"), 0);
        assertThat(json(LimitView.of(forbidden))).isEqualTo("{\"by\":\"quota\",\"value\":-1,\"used\":0,\"check\":\"os\",\"os\":\"linux\"}");
    }

    /** Budgets arrive as metering's JSON, read into a map: their numbers keep the types metering wrote. */
    @Test
    void budget() {
        String breached = "{\"name\":\"cpu\",\"metric\":\"cpu_seconds\",\"limit\":3600.0,\"period\":\"month\",\"policy\":\"stop\","
                + "\"used\":4000.5,\"remaining\":0.0,\"period_start\":\"2026-03-01T00:00:00Z\",\"period_end\":\"2026-04-01T00:00:00Z\","
                + "\"state\":\"exceeded\",\"breached_at\":\"2026-03-20T10:00:00Z\"}";
        assertThat(json(BudgetView.of(read(breached)))).isEqualTo("{\"by\":\"cpu_seconds\",\"value\":3600.0,\"used\":4000.5,\"remaining\":0.0,\"budget\":\"cpu\",\"period\":\"month\","
                + "\"policy\":\"stop\",\"state\":\"exceeded\",\"period_start\":\"2026-03-01T00:00:00Z\",\"period_end\":\"2026-04-01T00:00:00Z\","
                + "\"breached_at\":\"2026-03-20T10:00:00Z\"}");
        String ok = "{\"name\":\"ram\",\"metric\":\"ram_mib_hours\",\"limit\":100,\"period\":\"day\",\"policy\":\"throttle\","
                + "\"throttle_cpu_cap\":50,\"used\":1,\"remaining\":99,\"period_start\":\"2026-03-01T00:00:00Z\","
                + "\"period_end\":\"2026-03-02T00:00:00Z\",\"state\":\"ok\"}";
        assertThat(json(BudgetView.of(read(ok)))).isEqualTo("{\"by\":\"ram_mib_hours\",\"value\":100,\"used\":1,\"remaining\":99,\"budget\":\"ram\",\"period\":\"day\",\"policy\":\"throttle\","
                + "\"state\":\"ok\",\"period_start\":\"2026-03-01T00:00:00Z\",\"period_end\":\"2026-03-02T00:00:00Z\"}");
        assertThat(json(BudgetView.of(read("{\"name\":\"bare\",\"breached_at\":null}")))).isEqualTo("{\"budget\":\"bare\"}");
    }

    @Test
    void listsOfViews() {
        assertThat(json(List.of())).isEqualTo("[]");
        var limits = new Admission.Usage(new ProvisionLimit(ProvisionLimit.By.COUNT, 2, null, null), 1);
        assertThat(json(List.of(LimitView.of(limits), BudgetView.of(read("{\"name\":\"n\",\"metric\":\"m\"}"))))).isEqualTo("[{\"by\":\"count\",\"value\":2,\"used\":1,\"remaining\":1},{\"by\":\"m\",\"budget\":\"n\"}]");
    }

    private static Map<String, Object> read(String text) {
        try {
            return Json.mapper().readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
