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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /my/machines} of an account with 2,500 machines, paged as the triton CLI pages ({@code limit=1000},
 * {@code offset} on until {@code x-resource-count} is below the limit): every machine once, in a stable order, with
 * filters, while machines are created, and never another tenant's. The machines: one made through the API, finished as
 * the provisioner finishes it, then copied row for row ({@link BulkMachines}).
 */
class MachineListAtScaleTest extends WithTestPlatform {
    private static final int MACHINES = 2500;
    private static SignedClient alice;
    private static SignedClient bob;
    private static String template;
    private static String network;
    private static Set<String> bobs;

    @BeforeAll
    static void fleet() throws Exception {
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(100_000, 999_999));
        alice = platform.account("alice" + suffix);
        bob = platform.account("bob" + suffix);
        network = ok(alice.post("/my/fabrics/default/vlans/2/networks", Map.of("name", "big", "subnet", "10.64.0.0/16",
                "provision_start_ip", "10.64.0.10", "provision_end_ip", "10.64.255.250", "gateway", "10.64.0.1")), 201).get("id").toString();
        Map<String, Object> body = machine("web-00000");
        body.put("tag.role", "web");
        body.put("tag.env", "production");
        body.put("tag.monitored", true);
        body.put("metadata.user-script", "#!/bin/sh\necho hello > /etc/motd\n".repeat(20));
        body.put("metadata.owner", "storefront@example.test");
        template = ok(alice.post("/my/machines", body), 201).get("id").toString();
        try (BulkMachines bulk = new BulkMachines(platform.db)) {
            bulk.finishJobs(UUID.fromString(template), "node-1", ZoneState.RUNNING);
            bulk.copies(UUID.fromString(template), MACHINES - 1, "web");
        }
        bobs = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            bobs.add(ok(bob.post("/my/machines", Map.of("name", "b" + i, "image", platform.image.toString(),
                    "package", platform.smallPackage.toString())), 201).get("id").toString());
        }
    }

    @Test
    void theCliPagingListsEveryMachineOnceInTheRecordsOrder() {
        List<String> first = cliList(alice, "", 1000, new ArrayList<>());
        assertThat(first).hasSize(MACHINES).doesNotHaveDuplicates().doesNotContainAnyElementsOf(bobs);
        List<String> inRecord = platform.query("select cast(m.id as text) from machines m join accounts a on a.id = m.account_id"
                + " where a.login = ? and m.state <> 'deleted' order by m.created, m.id", alice.account())
                .stream().map(r -> r.get(0).toString()).toList();
        assertThat(first).as("oldest first, ties by id").isEqualTo(inRecord);
        assertThat(first.get(0)).as("the machine made through the API came first").isEqualTo(template);
        assertThat(cliList(alice, "", 1000, new ArrayList<>())).as("the same order again").isEqualTo(first);
        List<Integer> sizes = new ArrayList<>();
        cliList(alice, "", 1000, sizes);
        assertThat(sizes).containsExactly(1000, 1000, 500);
        var page = alice.get("/my/machines?limit=1000&offset=2000");
        assertThat(page.headers().firstValue("x-resource-count")).contains("500");
        assertThat(page.headers().firstValue("x-query-limit")).contains("1000");
        assertThat(alice.get("/my/machines?offset=2400").list()).as("limit defaults to 1000").hasSize(100);
        assertThat(alice.get("/my/machines?offset=2500").list()).isEmpty();
        assertThat(cliList(bob, "", 1000, new ArrayList<>())).containsExactlyInAnyOrderElementsOf(bobs);
    }

    @Test
    void aCopyReadsAsTheMachineMadeThroughTheApi() {
        Map<String, Object> made = ok(alice.get("/my/machines/" + template), 200);
        String copyId = alice.get("/my/machines?name=web-01234").list().get(0).get("id").toString();
        Map<String, Object> copy = ok(alice.get("/my/machines/" + copyId), 200);
        assertThat(made).containsEntry("state", "running").containsEntry("compute_node", "node-1");
        assertThat(copy.get("ips")).isNotEqualTo(made.get("ips"));
        assertThat((List<?>) copy.get("ips")).hasSize(1).allSatisfy(ip -> assertThat(ip.toString()).startsWith("10.64."));
        assertThat(copy.get("primaryIp")).isEqualTo(((List<?>) copy.get("ips")).get(0));
        for (String own : List.of("id", "name", "ips", "primaryIp", "created")) {
            made.remove(own);
            copy.remove(own);
        }
        assertThat(copy).isEqualTo(made);
        assertThat(List.copyOf(copy.keySet())).isEqualTo(List.copyOf(made.keySet()));
    }

    @Test
    void aListedMachineIsWhatItsGetAnswers() {
        Map<String, Object> odd = machine("odd-one");
        odd.put("tag.count", 3);
        odd.put("tag.ratio", 1.5);
        odd.put("tag.big", 12345678901L);
        odd.put("tag.on", false);
        odd.put("metadata.note", "é \"quoted\"\n\ttabbed");
        String oddId = ok(alice.post("/my/machines", odd), 201).get("id").toString();
        platform.execute("update machines set state = 'failed', error = 'no node had room' where id = cast(? as uuid)", oddId);
        List<Map<String, Object>> listed = new ArrayList<>(alice.get("/my/machines?limit=40&offset=1230").list());
        listed.addAll(alice.get("/my/machines?name=odd-one").list());
        listed.addAll(alice.get("/my/machines?limit=1").list());
        assertThat(listed).hasSize(42);
        for (Map<String, Object> m : listed) {
            var got = alice.get("/my/machines/" + m.get("id"));
            assertThat(m).as("listed as its GET answers").isEqualTo(got.json());
            assertThat(List.copyOf(m.keySet())).isEqualTo(List.copyOf(got.json().keySet()));
        }
        Map<String, Object> listedOdd = listed.get(40);
        assertThat(listedOdd).containsEntry("error", "no node had room").containsEntry("state", "failed");
        assertThat(tagsOf(listedOdd)).containsEntry("ratio", 1.5).containsEntry("big", 12345678901L).containsEntry("on", false);
        platform.execute("update machines set state = 'deleted' where id = cast(? as uuid)", oddId);
        assertThat(alice.get("/my/machines?name=odd-one").list()).as("a deleted machine is not listed").isEmpty();
    }

    @Test
    void aMachineChangedSinceItWasListedIsListedAsItIsNow() {
        String page = "/my/machines?limit=5&offset=1500";
        List<Map<String, Object>> first = alice.get(page).list();
        assertThat(first).hasSize(5);
        String tagged = first.get(0).get("id").toString();
        String stopped = first.get(1).get("id").toString();
        String readdressed = first.get(2).get("id").toString();
        String gone = first.get(3).get("id").toString();
        String oldIp = ((List<?>) first.get(2).get("ips")).get(0).toString();
        assertThat(alice.get(page).list()).as("listed again, nothing changed").isEqualTo(first);

        assertThat(alice.post("/my/machines/" + tagged + "/tags", Map.of("tier", "gold")).status()).isEqualTo(200);
        platform.execute("update machines set state = 'stopped' where id = cast(? as uuid)", stopped);
        // the NIC alone changes, not the machine's row
        platform.execute("update nics set ip = '10.64.255.251' where machine_id = cast(? as uuid)", readdressed);
        platform.execute("update machines set state = 'deleted' where id = cast(? as uuid)", gone);
        try {
            List<Map<String, Object>> now = alice.get("/my/machines?limit=4&offset=1500").list();
            assertThat(now).extracting(m -> m.get("id").toString()).containsExactly(tagged, stopped, readdressed, first.get(4).get("id").toString());
            assertThat(tagsOf(now.get(0))).containsEntry("tier", "gold");
            assertThat(now.get(1)).containsEntry("state", "stopped");
            assertThat(now.get(2).get("ips")).isEqualTo(List.of("10.64.255.251"));
            for (Map<String, Object> m : now) {
                assertThat(m).as("listed as its GET answers").isEqualTo(alice.get("/my/machines/" + m.get("id")).json());
            }
        } finally {
            platform.execute("update nics set ip = ? where machine_id = cast(? as uuid)", oldIp, readdressed);
            platform.execute("update machines set state = 'running', tags = (select tags from machines where id = cast(? as uuid))"
                    + " where id in (cast(? as uuid), cast(? as uuid), cast(? as uuid))", template, tagged, stopped, gone);
        }
    }

    @Test
    void filtersSelectBeforePaging() {
        UUID otherImage;
        try (Seed seed = new Seed(platform.db)) {
            otherImage = seed.image("alpine", "3.20", "linux", "alpine", "alpine");
        }
        platform.execute("update machines set state = 'stopped' where name between 'web-00101' and 'web-00400' and account_id ="
                + " (select id from accounts where login = ?)", alice.account());
        platform.execute("update machines set image_id = ?, tags = cast('{\"role\": \"db\"}' as jsonb) where name between"
                + " 'web-02001' and 'web-02150' and account_id = (select id from accounts where login = ?)", otherImage, alice.account());
        try {
            List<Integer> sizes = new ArrayList<>();
            List<String> stopped = cliList(alice, "&state=stopped", 100, sizes);
            assertThat(stopped).hasSize(300).doesNotHaveDuplicates();
            assertThat(sizes).containsExactly(100, 100, 100, 0);
            assertThat(alice.get("/my/machines?state=stopped&limit=1000").list()).allSatisfy(m -> assertThat(m).containsEntry("state", "stopped"));
            assertThat(cliList(alice, "&state=running", 1000, new ArrayList<>())).hasSize(MACHINES - 300)
                    .doesNotContainAnyElementsOf(stopped);
            assertThat(cliList(alice, "&image=" + otherImage, 1000, new ArrayList<>())).hasSize(150);
            assertThat(cliList(alice, "&tag.role=db", 40, new ArrayList<>())).hasSize(150);
            assertThat(cliList(alice, "&tag.role=web", 1000, new ArrayList<>())).hasSize(MACHINES - 150);
            assertThat(cliList(alice, "&tag.role=db&state=stopped", 1000, new ArrayList<>())).isEmpty();
            var one = alice.get("/my/machines?name=web-01234").list();
            assertThat(one).hasSize(1).allSatisfy(m -> assertThat(m).containsEntry("name", "web-01234"));
            assertThat(alice.get("/my/machines?name=b1").list()).as("bob's machine's name").isEmpty();
        } finally {
            platform.execute("update machines set state = 'running', image_id = ?, tags = (select tags from machines where id = cast(? as uuid))"
                    + " where account_id = (select id from accounts where login = ?) and name like 'web-%'", platform.image,
                    template, alice.account());
        }
    }

    @Test
    void pagingWhileMachinesAreCreatedListsEveryEarlierMachineOnce() throws Exception {
        Set<String> before = new HashSet<>(cliList(alice, "", 1000, new ArrayList<>()));
        AtomicBoolean paging = new AtomicBoolean(true);
        List<String> made = new ArrayList<>();
        CompletableFuture<Void> creating = CompletableFuture.runAsync(() -> {
            for (int i = 0; paging.get() && i < 40; i++) {
                var r = alice.post("/my/machines", machine("new-" + i));
                assertThat(r.status()).as(r.toString()).isEqualTo(201);
                synchronized (made) {
                    made.add(r.json().get("id").toString());
                }
            }
        });
        List<String> listed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        try {
            listed = cliList(alice, "", 100, sizes);
        } finally {
            paging.set(false);
            creating.get(60, TimeUnit.SECONDS);
        }
        assertThat(listed).as("no machine twice").doesNotHaveDuplicates();
        assertThat(listed).as("every machine there before, once").containsAll(before);
        Set<String> extra = new HashSet<>(listed);
        extra.removeAll(before);
        synchronized (made) {
            assertThat(made).as("some were created while the pages were read").isNotEmpty();
            assertThat(extra).as("the rest: machines created meanwhile").isSubsetOf(made);
        }
        assertThat(listed).doesNotContainAnyElementsOf(bobs);
        for (String id : made) {
            platform.execute("update machines set state = 'deleted' where id = cast(? as uuid)", id);
        }
    }

    /** The triton CLI's paging: {@code limit} machines per request from offset 0 on, until x-resource-count is below the limit. */
    private static List<String> cliList(SignedClient client, String filters, int limit, List<Integer> sizes) {
        List<String> ids = new ArrayList<>();
        for (int offset = 0; ; ) {
            var page = client.get("/my/machines?limit=" + limit + "&offset=" + offset + filters);
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            List<Map<String, Object>> machines = page.list();
            int count = Integer.parseInt(page.headers().firstValue("x-resource-count").orElseThrow());
            assertThat(count).isEqualTo(machines.size());
            sizes.add(count);
            machines.forEach(m -> ids.add(m.get("id").toString()));
            offset += count;
            if (count < limit) {
                return ids;
            }
        }
    }

    private static Map<String, Object> machine(String name) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("image", platform.image.toString());
        body.put("package", platform.smallPackage.toString());
        body.put("networks", List.of(network));
        return body;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tagsOf(Map<String, Object> machine) {
        return (Map<String, Object>) machine.get("tags");
    }

    private static Map<String, Object> ok(SignedClient.Reply r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        return r.json();
    }
}
