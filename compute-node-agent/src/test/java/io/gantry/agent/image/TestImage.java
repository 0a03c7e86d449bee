package io.gantry.agent.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Assembles layered images in Java, no docker: an OCI image layout as a tar, and the two layouts of
 * {@code docker save} (classic {@code <id>/layer.tar}; newer, with blobs under {@code blobs/sha256}).
 */
public final class TestImage {
    public enum Packing { PLAIN, GZIP, ZSTD }

    private record Layer(byte[] tar, Packing packing) {
    }

    private record Blob(String hex, byte[] bytes) {
        String digest() {
            return "sha256:" + hex;
        }
    }

    private final List<Layer> layers = new ArrayList<>();
    private String os = "linux";
    private String architecture = "amd64";
    private int corruptLayer = -1;

    public TestImage layer(TestTarball tar) {
        return layer(tar.bytes(), Packing.PLAIN);
    }

    public TestImage layer(TestTarball tar, Packing packing) {
        return layer(tar.bytes(), packing);
    }

    public TestImage layer(byte[] tar, Packing packing) {
        layers.add(new Layer(tar, packing));
        return this;
    }

    public TestImage platform(String os, String architecture) {
        this.os = os;
        this.architecture = architecture;
        return this;
    }

    /** Changes one byte in the middle of layer {@code index}'s blob after its digests are taken. */
    public TestImage corruptLayer(int index) {
        corruptLayer = index;
        return this;
    }

    public Path writeOci(Path file) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        Blob manifest = ociManifest(files);
        ArrayNode manifests = Json.mapper().createArrayNode();
        manifests.add(descriptor("application/vnd.oci.image.manifest.v1+json", manifest));
        files.put("index.json", index(manifests));
        return writeTar(file, files);
    }

    /** An OCI layout whose index lists one manifest per image, each with its platform. */
    public static Path writeOciIndex(Path file, List<TestImage> images) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        ArrayNode manifests = Json.mapper().createArrayNode();
        for (TestImage image : images) {
            ObjectNode d = image.descriptor("application/vnd.oci.image.manifest.v1+json", image.ociManifest(files));
            d.putObject("platform").put("os", image.os).put("architecture", image.architecture);
            manifests.add(d);
        }
        files.put("index.json", index(manifests));
        return writeTar(file, files);
    }

    /** {@code docker save} as docker up to 24 writes it: {@code <id>/layer.tar}, {@code <config hex>.json}. */
    public Path writeDockerSave(Path file) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> layerPaths = new ArrayList<>();
        List<Blob> plain = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Blob b = blob(layers.get(i).tar());
            plain.add(b);
            String path = sha256(("layer-id-" + i + b.hex()).getBytes(StandardCharsets.UTF_8)) + "/layer.tar";
            files.put(path, maybeCorrupt(i, b.bytes()));
            layerPaths.add(path);
        }
        Blob config = config(plain);
        files.put(config.hex() + ".json", config.bytes());
        files.put("manifest.json", dockerManifest(config.hex() + ".json", layerPaths));
        files.put("repositories", "{\"test\":{\"latest\":\"x\"}}".getBytes(StandardCharsets.UTF_8));
        return writeTar(file, files);
    }

    /** {@code docker save} as docker 25 and later writes it: manifest.json naming blobs, and an OCI index. */
    public Path writeDockerSaveBlobs(Path file) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        Blob manifest = ociManifest(files);
        List<String> layerPaths = new ArrayList<>();
        for (var node : readTree(manifest.bytes()).path("layers")) {
            layerPaths.add("blobs/sha256/" + node.path("digest").asText().substring(7));
        }
        String configPath = "blobs/sha256/" + readTree(manifest.bytes()).path("config").path("digest").asText().substring(7);
        ArrayNode manifests = Json.mapper().createArrayNode();
        manifests.add(descriptor("application/vnd.oci.image.manifest.v1+json", manifest));
        files.put("index.json", index(manifests));
        files.put("manifest.json", dockerManifest(configPath, layerPaths));
        return writeTar(file, files);
    }

    private Blob ociManifest(Map<String, byte[]> files) {
        List<Blob> plain = new ArrayList<>();
        ArrayNode layerDescriptors = Json.mapper().createArrayNode();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            plain.add(blob(l.tar()));
            Blob packed = blob(pack(l.tar(), l.packing()));
            files.put("blobs/sha256/" + packed.hex(), maybeCorrupt(i, packed.bytes()));
            String type = "application/vnd.oci.image.layer.v1.tar" + switch (l.packing()) {
                case PLAIN -> "";
                case GZIP -> "+gzip";
                case ZSTD -> "+zstd";
            };
            layerDescriptors.add(descriptor(type, packed));
        }
        Blob config = config(plain);
        files.put("blobs/sha256/" + config.hex(), config.bytes());
        ObjectNode manifest = Json.mapper().createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", config));
        manifest.set("layers", layerDescriptors);
        Blob m = blob(Json.write(manifest).getBytes(StandardCharsets.UTF_8));
        files.put("blobs/sha256/" + m.hex(), m.bytes());
        return m;
    }

    private Blob config(List<Blob> plainLayers) {
        ObjectNode config = Json.mapper().createObjectNode().put("architecture", architecture).put("os", os);
        ObjectNode rootfs = config.putObject("rootfs").put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        plainLayers.forEach(b -> ids.add(b.digest()));
        config.putObject("config").putArray("Cmd").add("/bin/sh");
        return blob(Json.write(config).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] dockerManifest(String config, List<String> layerPaths) {
        ArrayNode all = Json.mapper().createArrayNode();
        ObjectNode m = all.addObject().put("Config", config);
        m.putArray("RepoTags").add("test:latest");
        ArrayNode ls = m.putArray("Layers");
        layerPaths.forEach(ls::add);
        return Json.write(all).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] index(ArrayNode manifests) {
        ObjectNode index = Json.mapper().createObjectNode().put("schemaVersion", 2)
                .put("mediaType", "application/vnd.oci.image.index.v1+json");
        index.set("manifests", manifests);
        return Json.write(index).getBytes(StandardCharsets.UTF_8);
    }

    private ObjectNode descriptor(String type, Blob b) {
        return Json.mapper().createObjectNode().put("mediaType", type).put("digest", b.digest()).put("size", b.bytes().length);
    }

    private byte[] maybeCorrupt(int index, byte[] bytes) {
        if (index != corruptLayer) {
            return bytes;
        }
        byte[] copy = bytes.clone();
        copy[copy.length / 3] ^= 0x20;
        return copy;
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pack(byte[] tar, Packing packing) {
        try {
            return switch (packing) {
                case PLAIN -> tar;
                case GZIP -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                        gz.write(tar);
                    }
                    yield out.toByteArray();
                }
                case ZSTD -> {
                    Process zstd = new ProcessBuilder("zstd", "-q", "-c").redirectError(ProcessBuilder.Redirect.DISCARD).start();
                    Thread feeder = new Thread(() -> {
                        try (OutputStream in = zstd.getOutputStream()) {
                            in.write(tar);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                    feeder.start();
                    byte[] out = zstd.getInputStream().readAllBytes();
                    feeder.join();
                    if (zstd.waitFor() != 0) {
                        throw new IOException("zstd failed");
                    }
                    yield out;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Blob blob(byte[] bytes) {
        return new Blob(sha256(bytes), bytes);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path writeTar(Path file, Map<String, byte[]> files) {
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            List<String> dirs = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                String name = f.getKey();
                for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                    String dir = name.substring(0, slash + 1);
                    if (!dirs.contains(dir)) {
                        dirs.add(dir);
                        out.putArchiveEntry(new TarArchiveEntry(dir));
                        out.closeArchiveEntry();
                    }
                }
                TarArchiveEntry e = new TarArchiveEntry(name);
                e.setSize(f.getValue().length);
                out.putArchiveEntry(e);
                out.write(f.getValue());
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
