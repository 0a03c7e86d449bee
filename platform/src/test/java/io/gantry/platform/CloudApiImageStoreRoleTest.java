package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.host.Cmd;
import io.gantry.common.coord.ZkPaths;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;

/**
 * {@code gantry cloudapi --image-store-dir D --image-store-port P --zk …} as its own process: it says where the image
 * store listens, advertises it in ZooKeeper (where agents look), and the store takes and serves a blob by digest.
 */
class CloudApiImageStoreRoleTest {
    @Test
    void theCloudApiRoleServesAndAdvertisesItsImageStore() throws Exception {
        Path work = Files.createTempDirectory("gantry-imagestore-role-");
        int apiPort = LoopbackPort.free();
        int storePort = LoopbackPort.free();
        FreshDatabase pg = TestPostgres.shared().freshDatabase("imagestore");
        // the roles are stopped first (resources close in reverse), while the ZooKeeper their clean stop talks to serves
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(work.resolve("zookeeper"), LoopbackPort.free());
             ChildRoles roles = new ChildRoles()) {
            Process api = roles.start(work.resolve("cloudapi.log"), Map.of("GANTRY_DB_PORT", Integer.toString(pg.port()),
                            "GANTRY_DB_NAME", pg.name(), "GANTRY_DB_USER", pg.user(), "GANTRY_DB_PASSWORD", pg.password()),
                    "cloudapi", "--port", Integer.toString(apiPort), "--metrics-port", "-1", "--zk", zk.connectString(),
                    "--image-store-dir", work.resolve("store").toString(), "--image-store-port", Integer.toString(storePort));
            String base = "http://127.0.0.1:" + storePort;
            ChildRoles.awaitLine(api, work.resolve("cloudapi.log"), "image store on " + base);

            try (CuratorFramework client = Coordination.connect(zk.connectString())) {
                List<String> adverts = client.getChildren().forPath(ZkPaths.IMAGE_STORES);
                assertThat(adverts).hasSize(1);
                assertThat(new String(client.getData().forPath(ZkPaths.IMAGE_STORES + "/" + adverts.get(0)), StandardCharsets.UTF_8))
                        .isEqualTo(base);
            }
            byte[] blob = "an image file, as far as the store cares".getBytes(StandardCharsets.UTF_8);
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            var put = http.send(HttpRequest.newBuilder(URI.create(base + "/blobs/sha256/" + hex)).PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
            var get = http.send(HttpRequest.newBuilder(URI.create(base + "/blobs/sha256/" + hex)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(get.body()).isEqualTo(blob);
            assertThat(work.resolve("store/blobs/sha256/" + hex)).exists();
        } finally {
            Cmd.run("rm", "-rf", "--one-file-system", work.toString());
        }
    }
}
