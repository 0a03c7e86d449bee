package io.gantry.platform;

import io.gantry.cloudapi.imagestore.BlobStore;
import io.gantry.cloudapi.imagestore.ImageStoreServer;
import io.gantry.cloudapi.imagestore.ImageStoreSettings;
import io.gantry.common.coord.ZkPaths;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;

/**
 * The control plane's image store as the cloud API runs it: the {@link ImageStoreServer} on its own port, serving the
 * files under {@code dir}, advertised while it runs as an ephemeral znode under {@link ZkPaths#IMAGE_STORES} (its data the
 * base URL), where nodes find it. The port has no authentication: it belongs on the operators' admin network.
 */
public final class ImageStoreService implements AutoCloseable {
    private final ImageStoreServer server;
    private final PersistentNode advert;

    private ImageStoreService(ImageStoreServer server, PersistentNode advert) {
        this.server = server;
        this.advert = advert;
    }

    /** The settings the cloud API imports with: the same directory, uploads checked the node's way in its scratch space. */
    public static ImageStoreSettings settings(Path dir) {
        return new ImageStoreSettings(dir, new NodeArchiveCheck(dir.resolve("tmp")));
    }

    /** Serves {@code dir} on {@code host:port} and, with a client ({@code zk} not null), advertises it as {@code instance}. */
    public static ImageStoreService start(Vertx vertx, Path dir, String host, int port, String advertisedHost, CuratorFramework zk,
                                   String instance) throws InterruptedException {
        ImageStoreServer server = ImageStoreServer.start(vertx, BlobStore.open(dir), host, port, advertisedHost);
        if (zk == null) {
            return new ImageStoreService(server, null);
        }
        PersistentNode advert = new PersistentNode(zk, CreateMode.EPHEMERAL, false, ZkPaths.IMAGE_STORES + "/" + instance,
                server.baseUrl().getBytes(StandardCharsets.UTF_8));
        try {
            advert.start();
            if (!advert.waitForInitialCreate(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not register the image store " + server.baseUrl() + " in ZooKeeper under "
                        + ZkPaths.IMAGE_STORES + " within 30 s");
            }
        } catch (RuntimeException | InterruptedException e) {
            closeQuietly(advert);
            server.close();
            throw e;
        }
        return new ImageStoreService(server, advert);
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public ImageStoreServer server() {
        return server;
    }

    private static void closeQuietly(PersistentNode node) {
        try {
            node.close();
        } catch (java.io.IOException e) {
            // the session's end removes the ephemeral node anyway
        }
    }

    @Override
    public void close() {
        if (advert != null) {
            closeQuietly(advert);
        }
        server.close();
    }
}
