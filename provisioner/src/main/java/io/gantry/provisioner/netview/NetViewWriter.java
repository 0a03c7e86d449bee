package io.gantry.provisioner.netview;

import io.gantry.common.Json;
import io.gantry.common.coord.ZkPaths;
import io.gantry.common.net.NetViewCodec;
import io.gantry.common.net.TenantNetView;
import io.gantry.provisioner.publish.GenerationCas;
import java.util.OptionalLong;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;

/**
 * Writes a view to {@code ZkPaths.netview(account)} only over an older one ({@link GenerationCas}: compare-and-set on
 * the znode's version), so a stale writer can never replace a newer view. The bytes are {@link NetViewCodec}'s.
 */
public final class NetViewWriter {
    private final GenerationCas cas;

    public NetViewWriter(CuratorFramework zk) {
        this.cas = new GenerationCas(zk, NetViewWriter::generationOf);
    }

    public GenerationCas.Outcome write(TenantNetView view) throws Exception {
        return cas.write(ZkPaths.netview(view.account()), view.generation(), NetViewCodec.encode(view));
    }

    /** The generation of the view now in ZooKeeper, if there is one. */
    public OptionalLong published(UUID account) throws Exception {
        return cas.published(ZkPaths.netview(account));
    }

    private static OptionalLong generationOf(byte[] data) {
        try {
            long generation = Json.mapper().readTree(NetViewCodec.text(data)).path("generation").asLong(-1);
            return generation < 0 ? OptionalLong.empty() : OptionalLong.of(generation);
        } catch (java.io.IOException e) {
            return OptionalLong.empty(); // unreadable: any real view replaces it
        }
    }
}
