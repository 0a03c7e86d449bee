package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.testkit.SignedClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Operators' compute nodes (/ops/nodes): the list and one node, from compute_nodes (rows as the provisioner writes them) and
 * the machines on them; maintenance, drain, retire and forget-machines; bad input refused in one line, nothing changed,
 * every change (refused ones too) in the audit log.
 */
class OperatorNodesTest extends WithTestPlatform {
    private static SignedClient admin;

    @BeforeAll
    static void start() throws Exception {
        admin = platform.operator("root" + suffix());
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** A node as the provisioner leader records it: alive, 8 GiB, 100 GiB, 4 CPUs, seen 3 seconds ago. */
    private static String node() {
        String name = "cn-" + suffix();
        platform.execute("insert into compute_nodes (name, address, backend, memory, disk, cpus, traits, agent_version, first_seen,"
                + " last_heartbeat, alive, reported_zones) values (?, '10.0.0.7', 'runc', 8192, 102400, 4, '{\"ssd\":\"true\"}', '1.2.3',"
                + " now() - interval '1 hour', now() - interval '3 seconds', true, 2)", name);
        return name;
    }

    private record Tenant(String login, SignedClient client) {
    }

    private static Tenant tenant() throws Exception {
        String login = "t" + suffix();
        return new Tenant(login, platform.account(login));
    }

    /** A machine of the tenant's in {@code state} on {@code node}, as the provisioner leaves it after its jobs. */
    private static UUID machine(Tenant t, String name, String node, String state) {
        var r = t.client().post("/my/machines", Map.of("name", name, "image", platform.image.toString(), "package", platform.smallPackage.toString()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        UUID id = UUID.fromString(r.json().get("id").toString());
        platform.execute("update jobs set state = 'succeeded' where machine_id = ?", id);
        platform.execute("update machines set state = ?, compute_node = ? where id = ?", state, node, id);
        return id;
    }

    private static void assertError(SignedClient.Reply r, int status, String code, String messagePart) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json()).containsOnlyKeys("code", "message");
        assertThat(r.json().get("code")).as(r.body()).isEqualTo(code);
        assertThat(r.json().get("message").toString()).contains(messagePart).doesNotContain("\n");
    }

    private static Map<String, Object> lastAudit() {
        return admin.get("/ops/audit?limit=1").list().get(0);
    }

    private static SignedClient.Reply action(String node, String query) {
        return admin.post("/ops/nodes/" + node + "?" + query, Map.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theListShowsCapacityBookedUsedZonesHealthHeartbeatAndVersion() throws Exception {
        String cn = node();
        Tenant t = tenant();
        UUID web = machine(t, "web", cn, "running");
        machine(t, "db", cn, "stopped");
        machine(t, "old", cn, "deleted");
        machine(t, "broken", cn, "failed");

        var list = admin.get("/ops/nodes");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        Map<String, Object> n = list.list().stream().filter(x -> cn.equals(x.get("name"))).findFirst().orElseThrow();
        assertThat(n).containsEntry("health", "alive").containsEntry("alive", true).containsEntry("maintenance", false)
                .containsEntry("address", "10.0.0.7").containsEntry("backend", "runc").containsEntry("version", "1.2.3")
                .containsEntry("reported_zones", 2).doesNotContainKey("machines").doesNotContainKey("retired");
        assertThat((Map<String, Object>) n.get("capacity")).containsEntry("memory", 8192).containsEntry("disk", 102400).containsEntry("cpus", 4);
        assertThat((Map<String, Object>) n.get("booked")).as("running and stopped count, failed and deleted do not")
                .containsEntry("memory", 256).containsEntry("disk", 2048).containsEntry("cpus", 2).containsEntry("machines", 2);
        assertThat((Map<String, Object>) n.get("used")).containsEntry("memory", 128).containsEntry("machines", 1);
        assertThat((Map<String, Object>) n.get("zones")).containsOnly(Map.entry("running", 1), Map.entry("stopped", 1), Map.entry("failed", 1));
        assertThat(((Number) n.get("heartbeat_age")).longValue()).isBetween(3L, 60L);
        assertThat(n.get("last_heartbeat").toString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        var one = admin.get("/ops/nodes/" + cn);
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        List<Map<String, Object>> machines = (List<Map<String, Object>>) one.json().get("machines");
        assertThat(machines).extracting(m -> m.get("name")).containsExactly("web", "db", "broken");
        assertThat(machines.get(0)).containsEntry("id", web.toString()).containsEntry("owner", t.login()).containsEntry("state", "running");
    }

    @Test
    void maintenanceClosesAndReopensTheNodeAndIsAudited() {
        String cn = node();
        var on = action(cn, "action=maintenance&maintenance=true");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        assertThat(on.json()).containsEntry("health", "maintenance").containsEntry("maintenance", true);
        assertThat(platform.scalar("select count(*) from compute_nodes where name = ? and maintenance", cn)).isEqualTo(1);
        assertThat(lastAudit()).containsEntry("action", "node-maintenance").containsEntry("target", cn).containsEntry("success", true);

        var off = action(cn, "action=maintenance&maintenance=false");
        assertThat(off.json()).containsEntry("health", "alive").containsEntry("maintenance", false);
    }

    @Test
    void drainWithStopQueuesAStopJobPerRunningMachineOldestFirst() throws Exception {
        String cn = node();
        Tenant t = tenant();
        UUID first = machine(t, "first", cn, "running");
        UUID stopped = machine(t, "idle", cn, "stopped");
        UUID second = machine(t, "second", cn, "running");
        UUID third = machine(t, "third", cn, "running");
        UUID elsewhere = machine(t, "away", node(), "running");

        var r = action(cn, "action=drain&stop=true");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("stopping")).isEqualTo(List.of(first.toString(), second.toString(), third.toString()));
        assertThat(platform.query("select m.name from jobs j join machines m on m.id = j.machine_id where m.compute_node = ?"
                + " and j.action = 'stop' and j.state = 'queued' order by j.created, j.id", cn))
                .containsExactly(List.of("first"), List.of("second"), List.of("third"));
        assertThat(platform.scalar("select count(*) from machines where id in (?, ?, ?) and state = 'stopping'", first, second, third)).isEqualTo(3);
        assertThat(platform.scalar("select count(*) from jobs where machine_id in (?, ?) and action = 'stop'", stopped, elsewhere)).isZero();
        assertThat(platform.scalar("select count(*) from compute_nodes where name = ? and maintenance", cn)).isEqualTo(1);
        assertThat(lastAudit()).containsEntry("action", "node-drain").containsEntry("success", true);
        assertThat(lastAudit().get("params").toString()).contains("stopping").contains("3");

        String other = node();
        UUID stays = machine(t, "stays", other, "running");
        var leave = action(other, "action=drain&stop=false");
        assertThat(leave.status()).as(leave.body()).isEqualTo(200);
        assertThat(leave.json().get("stopping")).isEqualTo(List.of());
        assertThat(platform.scalar("select count(*) from jobs where machine_id = ? and action = 'stop'", stays)).isZero();
        assertThat(platform.scalar("select count(*) from compute_nodes where name = ? and maintenance", other)).isEqualTo(1);
    }

    @Test
    void retireIsRefusedWhileMachinesAreOnTheNodeThenAccepted() throws Exception {
        String cn = node();
        Tenant t = tenant();
        UUID a = machine(t, "a", cn, "running");
        UUID b = machine(t, "b", cn, "stopped");

        assertError(action(cn, "action=retire"), 409, "InvalidState", "node " + cn + " still has 2 machines (1 running, 1 stopped)");
        assertThat(platform.scalar("select count(*) from compute_nodes where name = ? and retired_at is null and not maintenance", cn))
                .as("nothing changed").isEqualTo(1);
        assertThat(lastAudit()).containsEntry("action", "node-retire").containsEntry("success", false);

        platform.execute("update machines set state = 'deleted' where id in (?, ?)", a, b);
        var retired = action(cn, "action=retire");
        assertThat(retired.status()).as(retired.body()).isEqualTo(200);
        assertThat(retired.json()).containsEntry("health", "retired").containsKey("retired");

        assertError(action(cn, "action=drain&stop=true"), 409, "InvalidState", "node " + cn + " is retired");
        assertError(action(cn, "action=maintenance&maintenance=false"), 409, "InvalidState", "is retired; it cannot leave maintenance");
        assertThat(admin.get("/ops/nodes/" + cn).json()).containsEntry("health", "retired").containsEntry("maintenance", true);
    }

    @Test
    void aLostNodesMachinesAreForgottenSoTheirTenantsCanDeleteThemAndTheNodeRetire() throws Exception {
        String cn = node();
        Tenant t = tenant();
        UUID running = machine(t, "r", cn, "unknown");
        UUID gone = machine(t, "g", cn, "deleted");

        assertError(action(cn, "action=forget-machines"), 409, "InvalidState", "node " + cn + " is alive; only a lost node's machines");
        assertThat(platform.scalar("select count(*) from machines where id = ? and state = 'unknown'", running)).isEqualTo(1);

        platform.execute("update compute_nodes set alive = false where name = ?", cn);
        assertThat(admin.get("/ops/nodes/" + cn).json()).containsEntry("health", "lost");
        var forget = action(cn, "action=forget-machines");
        assertThat(forget.status()).as(forget.body()).isEqualTo(200);
        assertThat(forget.json().get("failed")).isEqualTo(List.of(running.toString()));
        var m = t.client().get("/my/machines/" + running);
        assertThat(m.json()).containsEntry("state", "failed");
        assertThat(platform.query("select error, compute_node from machines where id = ?", running).get(0))
                .containsExactly("node " + cn + " was lost and its machines given up by operator " + admin.account() + "; delete this machine", null);
        assertThat(platform.scalar("select count(*) from machines where id = ? and state = 'deleted'", gone)).isEqualTo(1);
        assertThat(lastAudit()).containsEntry("action", "node-forget-machines").containsEntry("success", true);

        assertThat(action(cn, "action=retire").status()).as("nothing is on it any more").isEqualTo(200);
    }

    @Test
    void badInputIsOneLineAndChangesNothing() throws Exception {
        String cn = node();
        assertError(admin.get("/ops/nodes/nosuch-" + suffix().substring(0, 4)), 404, "ResourceNotFound", "not found");
        assertError(action("nosuch-" + suffix().substring(0, 4), "action=maintenance&maintenance=true"), 404, "ResourceNotFound", "not found");
        assertError(admin.get("/ops/nodes/Bad_Name"), 409, "InvalidArgument", "node name must be 1-16 lower-case letters");
        assertError(action("x".repeat(17), "action=retire"), 409, "InvalidArgument", "node name must be");
        assertError(action(cn, "action=maintenance&maintenance=maybe"), 409, "InvalidArgument", "maintenance must be true or false, got 'maybe'");
        assertError(action(cn, "action=maintenance"), 409, "MissingParameter", "maintenance is required");
        assertError(action(cn, "action=drain"), 409, "MissingParameter", "stop is required");
        assertError(action(cn, "action=drain&stop=yes"), 409, "InvalidArgument", "stop must be true or false");
        assertError(action(cn, "action=reboot"), 409, "InvalidArgument", "action must be maintenance, drain, retire or forget-machines");
        assertError(action(cn, ""), 409, "InvalidArgument", "got none");
        assertThat(lastAudit()).containsEntry("success", false);
        assertThat(platform.scalar("select count(*) from compute_nodes where name = ? and not maintenance and retired_at is null", cn))
                .as("nothing changed").isEqualTo(1);

        SignedClient tenant = platform.account("t" + suffix());
        assertError(tenant.get("/ops/nodes"), 403, "NotAuthorized", "is not an operator");
        assertError(tenant.post("/ops/nodes/" + cn + "?action=retire", Map.of()), 403, "NotAuthorized", "is not an operator");
    }
}
