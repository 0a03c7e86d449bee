package io.gantry.cloudapi.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.gantry.common.limits.ProvisionLimit.By;
import io.gantry.common.limits.ProvisionLimit.Check;
import io.gantry.common.usage.BudgetStatus;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exact JSON text of every CloudAPI view, fields present and absent, nulls and empty
 * collections: the triton CLI parses these bodies, so a change to how views are built must not
 * change a byte of them. Store rows are given as JSON; their times are set apart, at an offset other
 * than UTC, because reading JSON would already move them to UTC.
 */
class ViewsGoldenTest {
    private static final OffsetDateTime CREATED = OffsetDateTime.of(2026, 3, 1, 14, 5, 6, 789_000_000, ZoneOffset.ofHours(2));
    private static final OffsetDateTime UPDATED = OffsetDateTime.of(2026, 3, 2, 0, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void account() {
        AccountRecord a = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "login": "demo", "email": "demo@example.com",
                 "companyName": "Acme", "firstName": "Ada", "lastName": "Lovelace"}""", AccountRecord.class);
        a.created = CREATED;
        a.updated = UPDATED;
        assertThat(json(AccountView.of(a))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","login":"demo","email":"demo@example.com",\
                "companyName":"Acme","firstName":"Ada","lastName":"Lovelace","created":"2026-03-01T12:05:06.789Z",\
                "updated":"2026-03-02T00:00:00.000Z"}""");
        AccountRecord sparse = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "login": "demo", "email": "demo@example.com"}""", AccountRecord.class);
        sparse.created = CREATED;
        assertThat(json(AccountView.of(sparse))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","login":"demo","email":"demo@example.com",\
                "created":"2026-03-01T12:05:06.789Z"}""");
    }

    @Test
    void key() {
        KeyRecord k = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "accountId": "00000000-0000-4000-8000-000000000002",
                 "name": "laptop", "fingerprint": "SHA256:abc", "sha256": "abc", "keyText": "ssh-ed25519 AAAA demo"}""", KeyRecord.class);
        k.created = CREATED;
        assertThat(json(KeyView.of(k))).isEqualTo("""
                {"name":"laptop","fingerprint":"SHA256:abc","key":"ssh-ed25519 AAAA demo"}""");
        k.name = null;
        assertThat(json(KeyView.of(k))).isEqualTo("""
                {"fingerprint":"SHA256:abc","key":"ssh-ed25519 AAAA demo"}""");
    }

    @Test
    void pkg() {
        String sizes = """
                "id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "name": "g1-small", "swap": 2048, "disk": 10240, "vcpus": 1,
                "cpuCap": 100, "lwps": 2000""";
        PackageRecord full = Json.read("{" + sizes + """
                , "memory": 1024, "version": "1.0.0", "group": "general", "description": "small", "isDefault": true}""",
                PackageRecord.class);
        assertThat(json(PackageView.of(full))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"g1-small","memory":1024,"disk":10240,\
                "swap":2048,"vcpus":1,"lwps":2000,"version":"1.0.0","group":"general","description":"small",\
                "default":true}""");
        PackageRecord sparse = Json.read("{" + sizes + ", \"memory\": 5000000000, \"isDefault\": false}", PackageRecord.class);
        assertThat(json(PackageView.of(sparse))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"g1-small","memory":5000000000,"disk":10240,\
                "swap":2048,"vcpus":1,"lwps":2000,"default":false}""");
    }

    @Test
    void image() {
        ImageRecord i = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "name": "base-64", "version": "23.4.0", "os": "smartos",
                 "type": "zone-dataset", "state": "active", "isPublic": true, "description": "base image",
                 "nodeImage": "/var/images/base"}""", ImageRecord.class);
        i.publishedAt = CREATED;
        assertThat(json(ImageView.of(i))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"base-64","version":"23.4.0","os":"smartos",\
                "type":"zone-dataset","state":"active","public":true,"published_at":"2026-03-01T12:05:06.789Z",\
                "description":"base image","requirements":{},"files":[],"tags":{}}""");
        i.version = null;
        i.isPublic = false;
        i.publishedAt = null;
        i.description = null;
        assertThat(json(ImageView.of(i))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"base-64","os":"smartos","type":"zone-dataset",\
                "state":"active","public":false,"requirements":{},"files":[],"tags":{}}""");
        i.nodeImage = "ab".repeat(32);
        i.requirements = "{\"min_memory\": 512, \"max_memory\": 4096}";
        i.sizeBytes = 104857600L;
        i.compression = "gzip";
        assertThat(json(ImageView.of(i))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"base-64","os":"smartos","type":"zone-dataset",\
                "state":"active","public":false,"requirements":{"min_memory":512,"max_memory":4096},\
                "files":[{"compression":"gzip","sha256":"%s","size":104857600}],"tags":{}}""".formatted("ab".repeat(32)));
    }

    @Test
    void network() {
        NetworkRecord full = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "name": "external", "isPublic": true, "fabric": false,
                 "subnet": "10.88.0.0/24", "gateway": "10.88.0.1", "provisionStartIp": "10.88.0.10",
                 "provisionEndIp": "10.88.0.250", "description": "the public network", "mtu": 1500, "resolvers": "[\\"8.8.8.8\\"]"}""",
                NetworkRecord.class);
        assertThat(json(NetworkView.of(full))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"external","public":true,"fabric":false,\
                "subnet":"10.88.0.0/24","gateway":"10.88.0.1","provision_start_ip":"10.88.0.10",\
                "provision_end_ip":"10.88.0.250","resolvers":["8.8.8.8"],"description":"the public network","mtu":1500}""");
        NetworkRecord sparse = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "name": "external", "isPublic": false, "fabric": true,
                 "subnet": "10.88.0.0/24", "vlanId": 2, "nat": true, "mtu": 1450}""", NetworkRecord.class);
        assertThat(json(NetworkView.of(sparse))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"external","public":false,"fabric":true,\
                "subnet":"10.88.0.0/24","vlan_id":2,"internet_nat":true,"resolvers":[],"mtu":1450}""");
    }

    /** Tags, metadata and networks are JSON text columns; a tag whose value is null is dropped by the shared mapper. */
    @Test
    void machine() {
        MachineRecord m = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "accountId": "00000000-0000-4000-8000-000000000002",
                 "name": "web-1", "state": "running", "brand": "joyent", "imageId": "00000000-0000-4000-8000-000000000002",
                 "imageName": "base-64", "os": "smartos", "packageId": "00000000-0000-4000-8000-000000000002",
                 "packageName": "g1-small", "memory": 1024, "swap": 2048, "disk": 10240, "vcpus": 1, "cpuCap": 100,
                 "lwps": 2000, "computeNode": "cn-1", "ip": "10.88.0.11",
                 "networks": "[\\"00000000-0000-4000-8000-000000000002\\"]",
                 "tags": "{\\"role\\":\\"web\\",\\"count\\":3,\\"ratio\\":1.5,\\"on\\":true,\\"none\\":null}",
                 "metadata": "{\\"user-script\\":\\"#!/bin/sh\\",\\"nested\\":{\\"a\\":[1,2]}}", "affinity": "[]",
                 "firewallEnabled": true, "deletionProtection": true}""", MachineRecord.class);
        m.created = CREATED;
        m.updated = UPDATED;
        assertThat(json(MachineView.of(m))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"web-1","type":"smartmachine","brand":"joyent",\
                "state":"running","image":"00000000-0000-4000-8000-000000000002","ips":["10.88.0.11"],"memory":1024,\
                "disk":10240,"metadata":{"user-script":"#!/bin/sh","nested":{"a":[1,2]}},"tags":{"role":"web",\
                "count":3,"ratio":1.5,"on":true},"created":"2026-03-01T12:05:06.789Z",\
                "updated":"2026-03-02T00:00:00.000Z","docker":false,\
                "networks":["00000000-0000-4000-8000-000000000002"],"primaryIp":"10.88.0.11",\
                "firewall_enabled":true,"deletion_protection":true,"compute_node":"cn-1","package":"g1-small",\
                "dns_names":[]}""");
        m.resizingFrom = "g1-medium";
        m.error = "zone failed to start: exit 1";
        m.memory = 5_000_000_000L;
        assertThat(json(MachineView.of(m))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","name":"web-1","type":"smartmachine","brand":"joyent",\
                "state":"running","image":"00000000-0000-4000-8000-000000000002","ips":["10.88.0.11"],\
                "memory":5000000000,"disk":10240,"metadata":{"user-script":"#!/bin/sh","nested":{"a":[1,2]}},\
                "tags":{"role":"web","count":3,"ratio":1.5,"on":true},"created":"2026-03-01T12:05:06.789Z",\
                "updated":"2026-03-02T00:00:00.000Z","docker":false,\
                "networks":["00000000-0000-4000-8000-000000000002"],"primaryIp":"10.88.0.11",\
                "firewall_enabled":true,"deletion_protection":true,"compute_node":"cn-1","package":"g1-medium",\
                "dns_names":[],"error":"zone failed to start: exit 1"}""");
        MachineRecord provisioning = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "state": "provisioning",
                 "imageId": "00000000-0000-4000-8000-000000000002", "memory": 5000000000, "disk": 10240, "tags": ""}""",
                MachineRecord.class);
        assertThat(json(MachineView.of(provisioning))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","type":"smartmachine","state":"provisioning",\
                "image":"00000000-0000-4000-8000-000000000002","ips":[],"memory":5000000000,"disk":10240,\
                "metadata":{},"tags":{},"docker":false,"networks":[],"firewall_enabled":false,\
                "deletion_protection":false,"dns_names":[]}""");
    }

    /** A tenant's request names its key; a platform service names itself. */
    @Test
    void audit() {
        AuditRecord a = Json.read("""
                {"id": 7, "machineId": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "action": "start", "success": true,
                 "caller": "/demo/keys/SHA256:abc", "params": "{\\"name\\":\\"web-1\\",\\"count\\":2}"}""", AuditRecord.class);
        a.time = CREATED;
        // the map view before it wrote the caller's two keys in Map.of order, which differed from one JVM to the next
        assertThat(json(AuditView.of(a))).isEqualTo("""
                {"action":"start","parameters":{"name":"web-1","count":2},"success":"yes",\
                "caller":{"type":"signature","keyId":"/demo/keys/SHA256:abc"},"time":"2026-03-01T12:05:06.789Z"}""");
        AuditRecord service = Json.read("""
                {"id": 8, "action": "stop", "success": false, "caller": "metering"}""", AuditRecord.class);
        assertThat(json(AuditView.of(service))).isEqualTo("""
                {"action":"stop","parameters":{},"success":"no","caller":{"type":"metering"}}""");
    }

    @Test
    void fwrule() {
        FirewallRuleRecord r = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "accountId": "00000000-0000-4000-8000-000000000002",
                 "rule": "FROM any TO all vms ALLOW tcp PORT 22", "enabled": true, "global": false, "description": "ssh"}""",
                FirewallRuleRecord.class);
        r.created = CREATED;
        r.updated = UPDATED;
        assertThat(json(FirewallRuleView.of(r))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","rule":"FROM any TO all vms ALLOW tcp PORT 22",\
                "enabled":true,"global":false,"description":"ssh","created":"2026-03-01T12:05:06.789Z",\
                "updated":"2026-03-02T00:00:00.000Z"}""");
        FirewallRuleRecord sparse = Json.read("""
                {"id": "3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10", "rule": "FROM any TO all vms ALLOW tcp PORT 22",
                 "enabled": false, "global": true}""", FirewallRuleRecord.class);
        sparse.created = CREATED;
        assertThat(json(FirewallRuleView.of(sparse))).isEqualTo("""
                {"id":"3f1c0e3a-9c1e-4c55-a0b5-1f0c7e1d2a10","rule":"FROM any TO all vms ALLOW tcp PORT 22",\
                "enabled":false,"global":true,"created":"2026-03-01T12:05:06.789Z"}""");
    }

    /** {@code remaining} only under a positive limit; a checked limit names its value under the check's name. */
    @Test
    void limit() {
        assertThat(json(LimitView.of(usage(By.COUNT, ProvisionLimit.UNLIMITED, null, null, 3)))).isEqualTo("""
                {"by":"count","value":0,"used":3}""");
        assertThat(json(LimitView.of(usage(By.RAM, 4096, null, null, 8192)))).isEqualTo("""
                {"by":"ram","value":4096,"used":8192,"remaining":0}""");
        assertThat(json(LimitView.of(usage(By.VCPUS, 8, Check.IMAGE, "base-64", 2)))).isEqualTo("""
                {"by":"vcpus","value":8,"used":2,"remaining":6,"check":"image","image":"base-64"}""");
        assertThat(json(LimitView.of(usage(By.QUOTA, ProvisionLimit.FORBIDDEN, Check.OS, "linux", 0)))).isEqualTo("""
                {"by":"quota","value":-1,"used":0,"check":"os","os":"linux"}""");
    }

    /** Budgets arrive as metering's JSON, read into the common contract (BudgetStatus); times keep metering's form. */
    @Test
    void budget() {
        assertThat(json(BudgetView.of(budget("""
                {"name": "cpu", "metric": "cpu_seconds", "limit": 3600.0, "period": "month", "policy": "stop", "used": 4000.5,
                 "remaining": 0.0, "period_start": "2026-03-01T00:00:00Z", "period_end": "2026-04-01T00:00:00Z",
                 "state": "exceeded", "breached_at": "2026-03-20T10:00:00Z"}""")))).isEqualTo("""
                {"by":"cpu_seconds","value":3600.0,"used":4000.5,"remaining":0.0,"budget":"cpu","period":"month",\
                "policy":"stop","state":"exceeded","period_start":"2026-03-01T00:00:00Z",\
                "period_end":"2026-04-01T00:00:00Z","breached_at":"2026-03-20T10:00:00Z"}""");
        assertThat(json(BudgetView.of(budget("""
                {"name": "ram", "metric": "ram_mib_hours", "limit": 100.0, "period": "day", "policy": "throttle",
                 "throttle_cpu_cap": 50, "used": 1.0, "remaining": 99.0, "period_start": "2026-03-01T00:00:00Z",
                 "period_end": "2026-03-02T00:00:00.250Z", "state": "ok"}""")))).isEqualTo("""
                {"by":"ram_mib_hours","value":100.0,"used":1.0,"remaining":99.0,"budget":"ram","period":"day",\
                "policy":"throttle","state":"ok","period_start":"2026-03-01T00:00:00Z",\
                "period_end":"2026-03-02T00:00:00.250Z"}""");
    }

    @Test
    void listsOfViews() {
        assertThat(json(List.of())).isEqualTo("[]");
        assertThat(json(List.of(LimitView.of(usage(By.COUNT, 2, null, null, 1)), BudgetView.of(budget("""
                {"name": "n", "metric": "m", "limit": 2.0, "period": "day", "policy": "notify", "used": 0.0, "remaining": 2.0,
                 "period_start": "2026-03-01T00:00:00Z", "period_end": "2026-03-02T00:00:00Z", "state": "ok"}""")))))
                .isEqualTo("""
                [{"by":"count","value":2,"used":1,"remaining":1},{"by":"m","value":2.0,"used":0.0,"remaining":2.0,"budget":"n",\
                "period":"day","policy":"notify","state":"ok","period_start":"2026-03-01T00:00:00Z",\
                "period_end":"2026-03-02T00:00:00Z"}]""");
    }

    private static String json(Object view) {
        return Json.write(view);
    }

    private static Admission.Usage usage(By by, long value, Check check, String checkValue, long used) {
        return new Admission.Usage(new ProvisionLimit(by, value, check, checkValue), used);
    }

    private static BudgetStatus budget(String text) {
        return Json.read(text, BudgetStatus.class);
    }
}
