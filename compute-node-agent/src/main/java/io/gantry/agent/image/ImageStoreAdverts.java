package io.gantry.agent.image;

import io.gantry.common.GantryException;
import io.gantry.common.coord.ZkPaths;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * The image stores the control plane advertises: the base URL in each ephemeral child of {@link ZkPaths#IMAGE_STORES},
 * read when asked (an image is made rarely; no watch to keep). A child that holds no absolute http(s) URL is skipped.
 */
public final class ImageStoreAdverts implements Supplier<List<URI>> {
    private final CuratorFramework zk;

    public ImageStoreAdverts(CuratorFramework zk) {
        this.zk = zk;
    }

    @Override
    public List<URI> get() {
        List<URI> out = new ArrayList<>();
        try {
            List<String> children = zk.getChildren().forPath(ZkPaths.IMAGE_STORES);
            for (String child : children.stream().sorted().toList()) {
                try {
                    byte[] data = zk.getData().forPath(ZkPaths.IMAGE_STORES + "/" + child);
                    parse(data == null ? "" : new String(data, StandardCharsets.UTF_8)).ifPresent(out::add);
                } catch (KeeperException.NoNodeException e) {
                    // that store went away while we read
                }
            }
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw GantryException.internal("cannot read the advertised image stores from ZooKeeper: " + e.getMessage());
        }
        return out;
    }

    static java.util.Optional<URI> parse(String text) {
        try {
            URI uri = URI.create(text.strip());
            boolean http = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
            return http && uri.getHost() != null ? java.util.Optional.of(uri) : java.util.Optional.empty();
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
