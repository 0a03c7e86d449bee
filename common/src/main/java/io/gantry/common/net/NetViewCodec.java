package io.gantry.common.net;

import io.gantry.common.GantryException;
import io.gantry.common.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The bytes of a {@link TenantNetView} znode: its JSON, gzipped when larger than {@link #PLAIN_LIMIT} (a tenant with
 * many firewalled machines and many rules can exceed ZooKeeper's 1 MB znode limit in plain JSON; the entries repeat,
 * so they compress well). Readers use {@link #decode}, which accepts both.
 */
public final class NetViewCodec {
    public static final int PLAIN_LIMIT = 256 * 1024;
    /** ZooKeeper's default jute.maxbuffer, less room for the request around the data. */
    public static final int ZNODE_LIMIT = 1024 * 1024 - 4096;

    private NetViewCodec() {
    }

    public static byte[] encode(TenantNetView view) {
        byte[] json = Json.write(view).getBytes(StandardCharsets.UTF_8);
        if (json.length <= PLAIN_LIMIT) {
            return json;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length / 8);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] zipped = out.toByteArray();
        if (zipped.length > ZNODE_LIMIT) {
            throw GantryException.internal("the network view of account " + view.account() + " is " + zipped.length
                    + " bytes gzipped, over ZooKeeper's znode limit of " + ZNODE_LIMIT);
        }
        return zipped;
    }

    public static TenantNetView decode(byte[] data) {
        return Json.read(text(data), TenantNetView.class);
    }

    /** The JSON text of a znode's data, plain or gzipped. */
    public static String text(byte[] data) {
        if (data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b) {
            try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(data))) {
                return new String(gz.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw GantryException.invalid("corrupt gzipped network view: " + e.getMessage());
            }
        }
        return new String(data, StandardCharsets.UTF_8);
    }
}
