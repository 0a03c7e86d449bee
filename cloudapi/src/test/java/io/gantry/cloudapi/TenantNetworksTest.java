package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.ZoneState;
import io.gantry.testkit.SignedClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tenant networks through the real API on a real PostgreSQL: every account's default fabric, fabric VLANs and
 * networks with every refusal in CloudAPI's error format, addresses allocated in the machine's create (lowest free,
 * distinct under concurrent creates, exhaustion leaving nothing behind, released when the delete completes), and NICs
 * added and removed. No provisioner runs: a job's end is recorded as the provisioner records it, through the
 * {@code JobLedger}, so release on delete is the code the provisioner runs.
 */
@SuppressWarnings("unchecked")
class TenantNetworksTest extends WithTestPlatform {
    private static SignedClient alice;
    private static SignedClient bob;

    @BeforeAll
    static void accounts() throws Exception {
        alice = platform.account("na" + suffix());
        bob = platform.account("nb" + suffix());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).as(r.body()).contains(messagePart).doesNotContain("\n").doesNotContain("Exception");
    }

    /** Alice's fabric network "a" of that subnet, range and gateway (null: none) is refused as InvalidArgument saying messagePart. */
    private static void assertInvalidNetwork(String path, String subnet, String start, String end, String gateway, String messagePart) {
        assertError(alice.post(path, net("a", subnet, start, end, gateway)), 409, "InvalidArgument", messagePart);
    }

    private static Map<String, Object> ok(SignedClient.Reply r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        return r.json();
    }

    private static Map<String, Object> defaultNetwork(SignedClient who) {
        var r = who.get("/my/networks");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.list().stream().filter(n -> "My-Fabric-Network".equals(n.get("name"))).findFirst().orElseThrow();
    }

    private static Map<String, Object> net(String name, String subnet, String start, String end, String gateway) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("subnet", subnet);
        body.put("provision_start_ip", start);
        body.put("provision_end_ip", end);
        if (gateway != null) {
            body.put("gateway", gateway);
        }
        return body;
    }

    private static Map<String, Object> machine(String name, Object networks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("image", platform.image.toString());
        body.put("package", platform.smallPackage.toString());
        if (networks != null) {
            body.put("networks", networks);
        }
        return body;
    }

    private static void finishJobs(String machine, ZoneState state) throws Exception {
        platform.finishJobs(machine, state);
    }

    @Test
    void everyAccountHasTritonsDefaultFabric() {
        var vlans = alice.get("/my/fabrics/default/vlans");
        assertThat(vlans.status()).as(vlans.body()).isEqualTo(200);
        assertThat(vlans.list()).extracting(v -> v.get("vlan_id"), v -> v.get("name")).contains(org.assertj.core.groups.Tuple.tuple(2, "My-Fabric-VLAN"));
        var n = defaultNetwork(alice);
        assertThat(n).containsEntry("fabric", true).containsEntry("public", false).containsEntry("subnet", "192.168.128.0/22")
                .containsEntry("gateway", "192.168.128.1").containsEntry("provision_start_ip", "192.168.128.5")
                .containsEntry("provision_end_ip", "192.168.131.250").containsEntry("vlan_id", 2).containsEntry("internet_nat", true)
                .containsEntry("mtu", 1450).containsKeys("id", "resolvers", "description");
        var all = alice.get("/my/networks").list();
        assertThat(all).extracting(x -> x.get("name")).contains("external");
        assertThat(all.stream().filter(x -> "external".equals(x.get("name"))).findFirst().orElseThrow())
                .containsEntry("public", true).containsEntry("fabric", false).doesNotContainKey("vlan_id");
        assertThat(ok(alice.get("/my/networks/" + n.get("id")), 200)).containsEntry("name", "My-Fabric-Network");
        assertThat(ok(alice.get("/my/fabrics/default/vlans/2/networks/" + n.get("id")), 200)).containsEntry("subnet", "192.168.128.0/22");
    }

    @Test
    void anAccountOlderThanNetworksGetsItsDefaultFabricOnFirstNeed() throws Exception {
        String login = "old" + suffix();
        SignedClient old = platform.account(login);
        UUID account = UUID.fromString(platform.query("select cast(id as text) from accounts where login = ?", login).get(0).get(0).toString());
        platform.execute("delete from networks where owner_account = ?", account);
        platform.execute("delete from fabric_vlans where account_id = ?", account);
        var r = old.post("/my/machines", machine("first", null));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat((List<Object>) r.json().get("ips")).containsExactly("192.168.128.5");
        assertThat(platform.scalar("select count(*) from networks where owner_account = ?", account)).isEqualTo(1);
        assertThat(platform.scalar("select count(*) from fabric_vlans where account_id = ?", account)).isEqualTo(1);
    }

    @Test
    void anotherAccountsNetworksAndVlansAreNotFound() {
        var mine = defaultNetwork(alice);
        assertError(bob.get("/my/networks/" + mine.get("id")), 404, "ResourceNotFound", "not found");
        assertThat(bob.get("/my/networks").list()).extracting(x -> x.get("id")).doesNotContain(mine.get("id"));
        var made = ok(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 300, "name", "only-alice")), 201);
        assertThat(made).containsEntry("vlan_id", 300);
        assertError(bob.get("/my/fabrics/default/vlans/300"), 404, "ResourceNotFound", "VLAN 300");
        assertError(bob.delete("/my/fabrics/default/vlans/300"), 404, "ResourceNotFound", "VLAN 300");
        assertError(bob.get("/my/fabrics/default/vlans/2/networks/" + mine.get("id")), 404, "ResourceNotFound", "not found");
        assertError(bob.post("/my/machines", machine("theirs", List.of(mine.get("id")))), 409, "InvalidArgument", "does not exist");
        assertThat(alice.delete("/my/fabrics/default/vlans/300").status()).isEqualTo(204);
    }

    @Test
    void vlansAreMadeChangedAndDeletedAsTritonDoes() {
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 4096, "name", "x")), 409, "InvalidArgument", "0-4095");
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", -1, "name", "x")), 409, "InvalidArgument", "0-4095");
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", "ten", "name", "x")), 409, "InvalidArgument", "vlan_id");
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("name", "x")), 409, "MissingParameter", "vlan_id");
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 2, "name", "again")), 409, "InvalidArgument", "already exists");
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 10)), 409, "MissingParameter", "name");
        var v = ok(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 0, "name", "zero", "description", "first")), 201);
        assertThat(v).containsEntry("vlan_id", 0).containsEntry("name", "zero").containsEntry("description", "first");
        assertError(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 11, "name", "zero")), 409, "InvalidArgument", "named 'zero'");
        assertThat(ok(alice.put("/my/fabrics/default/vlans/0", "{\"name\":\"nought\",\"description\":\"renamed\"}"), 200))
                .containsEntry("name", "nought").containsEntry("description", "renamed");
        assertThat(ok(alice.get("/my/fabrics/default/vlans/0"), 200)).containsEntry("name", "nought");
        assertError(alice.delete("/my/fabrics/default/vlans/2"), 409, "InvalidState", "has networks");
        assertThat(alice.delete("/my/fabrics/default/vlans/0").status()).isEqualTo(204);
        assertError(alice.get("/my/fabrics/default/vlans/0"), 404, "ResourceNotFound", "VLAN 0");
        assertError(alice.get("/my/fabrics/default/vlans/abc"), 404, "ResourceNotFound", "VLAN abc");
    }

    @Test
    void fabricNetworksThatDoNotFitAreRefusedAndNothingIsWritten() {
        ok(alice.post("/my/fabrics/default/vlans", Map.of("vlan_id", 20, "name", "checks")), 201);
        String path = "/my/fabrics/default/vlans/20/networks";
        long before = platform.scalar("select count(*) from networks");
        assertInvalidNetwork(path, "10.1.0.0", "10.1.0.5", "10.1.0.9", null, "CIDR");
        assertInvalidNetwork(path, "10.1.0.0/33", "10.1.0.5", "10.1.0.9", null, "/33 is not 0-32");
        assertInvalidNetwork(path, "10.1.300.0/24", "10.1.0.5", "10.1.0.9", null, "not an IPv4 address");
        assertInvalidNetwork(path, "10.1.0.1/24", "10.1.0.5", "10.1.0.9", null, "not a network address");
        assertInvalidNetwork(path, "10.0.0.0/7", "10.1.0.5", "10.1.0.9", null, "/8 to /30");
        assertInvalidNetwork(path, "10.1.0.0/31", "10.1.0.0", "10.1.0.1", null, "/8 to /30");
        assertInvalidNetwork(path, "8.8.8.0/24", "8.8.8.5", "8.8.8.9", null, "not private");
        assertInvalidNetwork(path, "172.32.0.0/24", "172.32.0.5", "172.32.0.9", null, "not private");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.1.0.5", "10.1.0.9", "10.1.1.1", "gateway 10.1.1.1 is outside");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.1.0.5", "10.1.0.9", "10.1.0.0", "network address");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.1.0.5", "10.1.0.9", "10.1.0.255", "broadcast address");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.1.0.5", "10.1.1.9", null, "provision_end_ip 10.1.1.9 is outside");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.0.0.5", "10.1.0.9", null, "provision_start_ip 10.0.0.5 is outside");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.1.0.9", "10.1.0.5", null, "is after");
        assertInvalidNetwork(path, "10.1.0.0/24", "10.1.0.9", "10.1.0.x", null, "not an IPv4 address");
        // the default network (VLAN 2) holds 192.168.128.0/22: overlap across VLANs of one account is refused
        assertInvalidNetwork(path, "192.168.130.0/24", "192.168.130.5", "192.168.130.9", null, "overlaps 192.168.128.0/22");
        assertInvalidNetwork(path, "192.168.0.0/16", "192.168.0.5", "192.168.0.9", null, "overlaps");
        assertError(alice.post(path, Map.of("name", "a", "subnet", "10.1.0.0/24")), 409, "MissingParameter", "provision_start_ip");
        assertError(alice.post(path, net("", "10.1.0.0/24", "10.1.0.5", "10.1.0.9", null)), 409, "MissingParameter", "name");
        assertError(alice.post("/my/fabrics/default/vlans/21/networks", net("a", "10.1.0.0/24", "10.1.0.5", "10.1.0.9", null)),
                404, "ResourceNotFound", "VLAN 21");
        assertThat(platform.scalar("select count(*) from networks")).isEqualTo(before);
        // another account may use the same subnet as its own (fabrics are per account)
        var mine = ok(alice.post(path, net("mine", "10.1.0.0/24", "10.1.0.5", "10.1.0.9", "10.1.0.1")), 201);
        assertThat(mine).containsEntry("vlan_id", 20).containsEntry("fabric", true).containsEntry("internet_nat", true);
        ok(bob.post("/my/fabrics/default/vlans", Map.of("vlan_id", 20, "name", "same")), 201);
        ok(bob.post(path, net("mine", "10.1.0.0/24", "10.1.0.5", "10.1.0.9", "10.1.0.1")), 201);
        assertError(alice.post(path, net("mine", "10.2.0.0/24", "10.2.0.5", "10.2.0.9", null)), 409, "InvalidArgument", "named 'mine'");
        assertError(alice.post(path, net("b", "10.1.0.128/25", "10.1.0.130", "10.1.0.140", null)), 409, "InvalidArgument", "overlaps 10.1.0.0/24");
        assertThat(platform.scalar("select count(distinct vni) from networks where vni is not null and name = 'mine'")).isEqualTo(2);
        // a network with no NICs goes; the default one never does
        assertError(alice.delete("/my/fabrics/default/vlans/2/networks/" + defaultNetwork(alice).get("id")), 409, "InvalidState", "default");
        assertThat(alice.delete(path + "/" + mine.get("id")).status()).isEqualTo(204);
        assertError(alice.get(path + "/" + mine.get("id")), 404, "ResourceNotFound", "not found");
        assertThat(alice.delete("/my/fabrics/default/vlans/20").status()).isEqualTo(204);
    }

    @Test
    void addressesAreTheLowestFreeAndComeBackWhenTheDeleteCompletes() throws Exception {
        SignedClient carol = platform.account("nc" + suffix());
        String defaultId = defaultNetwork(carol).get("id").toString();
        var first = ok(carol.post("/my/machines", machine("m1", null)), 201);
        assertThat(first).containsEntry("primaryIp", "192.168.128.5").containsEntry("networks", List.of(defaultId));
        assertThat((List<Object>) first.get("ips")).containsExactly("192.168.128.5");
        var second = ok(carol.post("/my/machines", machine("m2", null)), 201);
        assertThat(second).containsEntry("primaryIp", "192.168.128.6");
        assertThat(ok(carol.get("/my/machines/" + first.get("id")), 200)).containsEntry("primaryIp", "192.168.128.5")
                .containsEntry("ips", List.of("192.168.128.5")).containsEntry("networks", List.of(defaultId));
        var nics = carol.get("/my/machines/" + first.get("id") + "/nics");
        assertThat(nics.status()).as(nics.body()).isEqualTo(200);
        assertThat(nics.list()).hasSize(1);
        assertThat(nics.list().get(0)).containsEntry("ip", "192.168.128.5").containsEntry("primary", true)
                .containsEntry("netmask", "255.255.252.0").containsEntry("gateway", "192.168.128.1").containsEntry("state", "provisioning")
                .containsEntry("network", defaultId);
        String mac = nics.list().get(0).get("mac").toString();
        assertThat(mac).matches("02(:[0-9a-f]{2}){5}");
        finishJobs(first.get("id").toString(), ZoneState.RUNNING);
        assertThat(ok(carol.get("/my/machines/" + first.get("id") + "/nics/" + mac.replace(":", "")), 200)).containsEntry("state", "running");
        assertThat(ok(carol.get("/my/machines/" + first.get("id")), 200)).as("the node's own report does not replace the address")
                .containsEntry("primaryIp", "192.168.128.5");
        // asked for: the held one is refused; delete it and, once the delete completes, it is free again
        assertError(carol.post("/my/machines", machine("m3", List.of(Map.of("ipv4_uuid", defaultId, "ipv4_ips", List.of("192.168.128.5"))))),
                409, "InvalidArgument", "already in use");
        assertThat(carol.delete("/my/machines/" + first.get("id")).status()).isEqualTo(204);
        assertError(carol.post("/my/machines", machine("m3", List.of(Map.of("ipv4_uuid", defaultId, "ipv4_ips", List.of("192.168.128.5"))))),
                409, "InvalidArgument", "already in use");
        finishJobs(first.get("id").toString(), ZoneState.DELETED);
        assertThat(platform.scalar("select count(*) from nics where machine_id = ?", UUID.fromString(first.get("id").toString()))).isZero();
        var third = ok(carol.post("/my/machines", machine("m3", null)), 201);
        assertThat(third).containsEntry("primaryIp", "192.168.128.5");
        var fourth = ok(carol.post("/my/machines", machine("m4", List.of(Map.of("ipv4_uuid", defaultId, "ipv4_ips", List.of("192.168.130.7"))))), 201);
        assertThat(fourth).containsEntry("primaryIp", "192.168.130.7");
        assertError(carol.post("/my/machines", machine("m5", List.of(Map.of("ipv4_uuid", defaultId, "ipv4_ips", List.of("192.168.128.1"))))),
                409, "InvalidArgument", "other than the gateway");
        assertError(carol.post("/my/machines", machine("m5", List.of(Map.of("ipv4_uuid", defaultId, "ipv4_ips", List.of("192.168.131.255"))))),
                409, "InvalidArgument", "host address");
        assertError(carol.post("/my/machines", machine("m5", List.of(Map.of("ipv4_uuid", defaultId, "ipv4_ips", List.of("10.0.0.1"))))),
                409, "InvalidArgument", "host address");
        // by name, and two networks: the first is primary
        var both = ok(carol.post("/my/machines", machine("m6", List.of("external", defaultId))), 201);
        assertThat((List<Object>) both.get("ips")).containsExactly("10.200.0.2", "192.168.128.7");
        assertThat(both).containsEntry("primaryIp", "10.200.0.2");
    }

    @Test
    void concurrentCreatesOnASmallNetworkGetDistinctAddressesAndTheRestAClearRefusal() throws Exception {
        String tiny = "tiny" + suffix();
        try (Seed seed = new Seed(platform.db)) {
            seed.network(tiny, "10.77.0.0/28", "13 addresses: .2-.14"); // gateway .1
        }
        SignedClient dave = platform.account("nd" + suffix());
        SignedClient erin = platform.account("ne" + suffix());
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<SignedClient.Reply> replies = new ArrayList<>();
        try {
            List<Callable<SignedClient.Reply>> creates = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                SignedClient who = i % 2 == 0 ? dave : erin;
                String name = "c" + i;
                creates.add(() -> who.post("/my/machines", machine(name, List.of(tiny))));
            }
            for (Future<SignedClient.Reply> f : pool.invokeAll(creates)) {
                replies.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Set<Object> ips = new HashSet<>();
        int refused = 0;
        for (var r : replies) {
            if (r.status() == 201) {
                ips.add(r.json().get("primaryIp"));
            } else {
                assertError(r, 409, "InvalidArgument", "has no free address");
                refused++;
            }
        }
        assertThat(ips).hasSize(13).allMatch(ip -> ip.toString().matches("10\\.77\\.0\\.([2-9]|1[0-4])"));
        assertThat(refused).isEqualTo(7);
        String mine = "(select id from accounts where login in (?, ?))";
        assertThat(platform.scalar("select count(*) from machines where account_id in " + mine, dave.account(), erin.account())).isEqualTo(13);
        assertThat(platform.scalar("select count(*) from jobs j join machines m on m.id = j.machine_id where m.account_id in " + mine,
                dave.account(), erin.account())).isEqualTo(13);
        assertThat(platform.scalar("select count(*) from nics where account_id in " + mine, dave.account(), erin.account())).isEqualTo(13);
    }

    @Test
    void nicsAreAddedAndRemovedThroughAnUpdateNicsJob() throws Exception {
        SignedClient fred = platform.account("nf" + suffix());
        var m = ok(fred.post("/my/machines", machine("web", null)), 201);
        String id = m.get("id").toString();
        assertError(fred.post("/my/machines/" + id + "/nics", Map.of("network", "external")), 409, "InvalidState", "provisioning");
        finishJobs(id, ZoneState.RUNNING);
        assertError(fred.post("/my/machines/" + id + "/nics", Map.of()), 409, "MissingParameter", "network");
        assertError(fred.post("/my/machines/" + id + "/nics", Map.of("network", "nope")), 409, "InvalidArgument", "does not exist");
        var added = alice.post("/my/machines/" + id + "/nics", Map.of("network", "external"));
        assertError(added, 404, "ResourceNotFound", "not found");
        var nic = ok(fred.post("/my/machines/" + id + "/nics", Map.of("network", "external")), 201);
        assertThat(nic).containsEntry("primary", false).containsEntry("state", "provisioning").containsEntry("netmask", "255.255.0.0")
                .containsEntry("gateway", "10.200.0.1");
        String mac = nic.get("mac").toString();
        var job = platform.query("select action, params from jobs where machine_id = ? order by created desc limit 1", UUID.fromString(id)).get(0);
        assertThat(job.get(0)).isEqualTo("update_nics");
        assertThat(job.get(1).toString()).contains("\"image\":\"busybox\"").contains(mac);
        finishJobs(id, ZoneState.RUNNING);
        assertThat(ok(fred.get("/my/machines/" + id + "/nics/" + mac.toUpperCase()), 200)).containsEntry("state", "running");
        var shown = ok(fred.get("/my/machines/" + id), 200);
        assertThat((List<Object>) shown.get("ips")).hasSize(2).contains(nic.get("ip"));
        assertThat((List<Object>) shown.get("networks")).hasSize(2);
        assertError(fred.get("/my/machines/" + id + "/nics/zz"), 409, "InvalidArgument", "not a MAC");
        assertError(fred.get("/my/machines/" + id + "/nics/02:00:00:00:00:00"), 404, "ResourceNotFound", "not found");
        assertError(alice.get("/my/machines/" + id + "/nics"), 404, "ResourceNotFound", "not found");
        String primaryMac = fred.get("/my/machines/" + id + "/nics").list().get(0).get("mac").toString();
        assertError(fred.delete("/my/machines/" + id + "/nics/" + primaryMac), 409, "InvalidState", "primary");
        assertThat(fred.delete("/my/machines/" + id + "/nics/" + mac.replace(":", "")).status()).isEqualTo(204);
        assertThat(ok(fred.get("/my/machines/" + id + "/nics/" + mac), 200)).containsEntry("state", "removing");
        assertThat(platform.scalar("select count(*) from nics where ip = ? and network_id = (select id from networks where name = 'external'"
                + " and owner_account is null)", nic.get("ip"))).as("held until the node has removed it").isEqualTo(1);
        finishJobs(id, ZoneState.RUNNING);
        assertError(fred.get("/my/machines/" + id + "/nics/" + mac), 404, "ResourceNotFound", "not found");
        assertThat(platform.scalar("select count(*) from nics where ip = ? and network_id = (select id from networks where name = 'external'"
                + " and owner_account is null)", nic.get("ip"))).isZero();
        assertThat(ok(fred.get("/my/machines/" + id), 200)).containsEntry("ips", List.of("192.168.128.5"));
        // a change the node could not make is undone: an added NIC goes, a removed one stays
        var failedAdd = ok(fred.post("/my/machines/" + id + "/nics", Map.of("network", "external")), 201);
        platform.finishJobs(id, ZoneState.RUNNING, "the node could not wire it");
        assertError(fred.get("/my/machines/" + id + "/nics/" + failedAdd.get("mac")), 404, "ResourceNotFound", "not found");
        assertThat(fred.delete("/my/machines/" + id + "/nics/" + primaryMac).status()).as("the only NIC may go").isEqualTo(204);
        platform.finishJobs(id, ZoneState.RUNNING, "the node could not unwire it");
        assertThat(ok(fred.get("/my/machines/" + id + "/nics/" + primaryMac), 200)).containsEntry("state", "running");
        // a network with a NIC on it cannot go
        ok(fred.post("/my/fabrics/default/vlans", Map.of("vlan_id", 5, "name", "five")), 201);
        var five = ok(fred.post("/my/fabrics/default/vlans/5/networks", net("five", "10.5.0.0/24", "10.5.0.10", "10.5.0.20", "10.5.0.1")), 201);
        ok(fred.post("/my/machines/" + id + "/nics", Map.of("network", five.get("id"))), 201);
        assertError(fred.delete("/my/fabrics/default/vlans/5/networks/" + five.get("id")), 409, "InvalidState", "1 NIC");
    }

    @Test
    void operatorsAddAndRemoveSharedExternalNetworks() throws Exception {
        SignedClient ops = platform.operator("nops" + suffix());
        String name = "pub" + suffix();
        assertError(alice.post("/ops/networks", Map.of("name", name, "subnet", "203.0.113.0/28")), 403, "NotAuthorized", "not an operator");
        assertError(ops.post("/ops/networks", Map.of("name", name, "subnet", "203.0.113.1/28")), 409, "InvalidArgument", "not a network address");
        assertError(ops.post("/ops/networks", Map.of("name", name, "subnet", "10.200.5.0/24")), 409, "InvalidArgument", "overlaps 10.200.0.0/16");
        var added = ok(ops.post("/ops/networks", Map.of("name", name, "subnet", "203.0.113.0/28", "description", "doc range")), 201);
        assertThat(added).containsEntry("public", true).containsEntry("fabric", false).containsEntry("gateway", "203.0.113.1")
                .containsEntry("provision_start_ip", "203.0.113.2").containsEntry("provision_end_ip", "203.0.113.14").containsEntry("nics", 0);
        assertError(ops.post("/ops/networks", Map.of("name", name, "subnet", "203.0.114.0/28")), 409, "InvalidArgument", "already exists");
        assertThat(bob.get("/my/networks").list()).extracting(n -> n.get("name")).contains(name);
        var m = ok(bob.post("/my/machines", machine("pub", List.of(name))), 201);
        assertThat(m).containsEntry("primaryIp", "203.0.113.2");
        assertThat(ok(ops.get("/ops/networks/" + name), 200)).containsEntry("nics", 1);
        assertError(ops.delete("/ops/networks/" + name), 409, "InvalidState", "1 NIC");
        finishJobs(m.get("id").toString(), ZoneState.RUNNING);
        assertThat(bob.delete("/my/machines/" + m.get("id")).status()).isEqualTo(204);
        finishJobs(m.get("id").toString(), ZoneState.DELETED);
        assertThat(ops.delete("/ops/networks/" + name).status()).isEqualTo(204);
        assertError(ops.get("/ops/networks/" + name), 404, "ResourceNotFound", "not found");
        assertThat(ops.get("/ops/audit?limit=1").list().get(0)).containsEntry("action", "network-remove").containsEntry("outcome", "succeeded");
    }
}
