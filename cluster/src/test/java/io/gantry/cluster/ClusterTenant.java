package io.gantry.cluster;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.images.builder.Transferable;

/**
 * The cluster's first operator and a tenant, set up as the install runbook does: {@code gantry account
 * bootstrap-operator} on a cloud API host (straight into the record), then, signed as that operator through the
 * load balancer, a package, the tenant account (with room for the suite's machines) and the busybox image every
 * node imports at its first start, catalogued by its node id (SQL, as the runbook has it).
 *
 * @param operator requests signed as the operator {@code admin}
 * @param client   requests signed as the tenant {@code tenant}
 * @param image    the busybox image's id in the catalogue
 * @param pkg      the package's name: 64 MiB, 64 MiB disk, one vCPU
 */
public record ClusterTenant(SignedClient operator, SignedClient client, String image, String pkg) {
    private static final Pattern NODE_IMAGE = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f]{64})\"");

    static ClusterTenant setUp(GantryCluster cluster) {
        KeyPair adminKey = TestKeys.rsa();
        String adminPub = TestKeys.openSsh(adminKey, "admin");
        cluster.host("api1").container().copyFileToContainer(Transferable.of(adminPub), "/tmp/admin.pub");
        cluster.gantry("api1", Duration.ofMinutes(2), "account", "bootstrap-operator", "admin", "--email", "admin@cluster.test",
                "--key", "/tmp/admin.pub", "--db-host", "pg", "--db-password", "gantry").check("gantry account bootstrap-operator");
        SignedClient operator = new SignedClient(cluster.apiUrl(), "admin", SshPublicKey.parse(adminPub).md5Fingerprint(), adminKey);

        String pkg = "cluster-64M";
        expect(operator.post("/ops/packages", Map.of("name", pkg, "memory", 64, "disk", 64, "vcpus", 1, "lwps", 256)), 201);
        KeyPair tenantKey = TestKeys.rsa();
        String tenantPub = TestKeys.openSsh(tenantKey, "tenant");
        expect(operator.post("/ops/accounts", Map.of("login", "tenant", "email", "tenant@cluster.test", "key", tenantPub)), 201);
        expect(operator.put("/ops/accounts/tenant/limits/count", "{\"value\": 1000}"), 200);
        expect(operator.put("/ops/accounts/tenant/limits/ram", "{\"value\": 1048576}"), 200);

        String list = cluster.gantry("cn1", Duration.ofMinutes(1), "--node", "cn1", "--state-dir", "/var/lib/gantry/state",
                "image", "list", "--json").check("gantry image list on cn1");
        Matcher m = NODE_IMAGE.matcher(list);
        if (!m.find()) {
            throw new IllegalStateException("cn1 lists no busybox image: " + list);
        }
        Object image = cluster.record().query("insert into images (id, name, version, os, type, state, public, published_at, description, node_image)"
                + " values (gen_random_uuid(), 'busybox', '1.0.0', 'other', 'zone-dataset', 'active', true, now(), 'BusyBox', ?) returning id",
                m.group(1)).get(0).get(0);
        SignedClient client = new SignedClient(cluster.apiUrl(), "tenant", SshPublicKey.parse(tenantPub).md5Fingerprint(), tenantKey);
        return new ClusterTenant(operator, client, image.toString(), pkg);
    }

    private static void expect(SignedClient.Reply reply, int status) {
        if (reply.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + reply);
        }
    }
}
