package io.gantry.bench.image;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.image.BusyboxImage;
import io.gantry.agent.image.ImageStore;
import io.gantry.common.Image;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Import of a multi-layer OCI image through {@link ImageStore} (copy into the store, sha256, every
 * blob and diff_id checked, every entry judged across layers, whiteouts applied, layers unpacked,
 * zone root checked) against the floor: GNU {@code tar -x} of the same gzip'd layers, one after the
 * other, into an empty directory (no checks, whiteout files left as files). Alternating runs, the
 * same generated image, medians compared.
 */
@Command(name = "oci-import-bench", mixinStandardHelpOptions = true,
        description = "Import a generated multi-layer OCI image through ImageStore vs tar -x of its layers.")
public final class OciImportBench implements Callable<Integer> {
    private static final int TEXT_FILE = 4096;

    @Option(names = "--mib", defaultValue = "100", description = "Uncompressed size of the image, MiB (default ${DEFAULT-VALUE}).")
    int mib;

    @Option(names = "--rounds", defaultValue = "5", description = "Runs per side, alternating (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--work", defaultValue = "/var/tmp", description = "Where the work directory goes (default ${DEFAULT-VALUE}).")
    Path workParent;

    @Option(names = "--report", description = "Also write the results as Markdown to this file.")
    Path report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new OciImportBench()).execute(args));
    }

    private record Layer(Path gz, String blobHex, String diffHex, long plainBytes, int entries) {
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory(workParent, "gantry-bench-oci-");
        try {
            long t0 = System.nanoTime();
            List<Layer> layers = generate(work);
            Path image = ociLayout(work.resolve("image.tar"), layers);
            double genS = (System.nanoTime() - t0) / 1e9;
            long plain = layers.stream().mapToLong(Layer::plainBytes).sum();
            long gz = layers.stream().mapToLong(l -> size(l.gz())).sum();
            int entries = layers.stream().mapToInt(Layer::entries).sum();
            System.out.printf("generated %d layers: %d entries, %.1f MiB uncompressed, %.1f MiB gzip'd, OCI layout %.1f MiB (%.1f s)%n",
                    layers.size(), entries, plain / 1048576.0, gz / 1048576.0, size(image) / 1048576.0, genS);

            List<Double> gantry = new ArrayList<>();
            List<Double> tar = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) { // round 0 warms the JIT and the page cache, not counted
                double g = importOnce(image, work.resolve("store-" + round));
                double t = tarOnce(layers, work.resolve("tar-" + round));
                if (round > 0) {
                    gantry.add(g);
                    tar.add(t);
                }
                System.out.printf("round %d%s: ImageStore %.2f s, tar -x %.2f s%n", round, round == 0 ? " (warm-up)" : "", g, t);
            }
            double gMed = median(gantry);
            double tMed = median(tar);
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < gantry.size(); i++) {
                ratios.add(gantry.get(i) / tar.get(i));
            }
            String md = String.format("""
                    | image | ImageStore import (median of %d) | `tar -x` of the layers (median) | ratio of medians | median of the rounds' ratios | ImageStore MiB/s (uncompressed) |
                    |---|---|---|---|---|---|
                    | OCI layout, %d gzip layers, %d entries, %.1f MiB (%.1f MiB gzip'd) | %.2f s | %.2f s | %.2f× | %.2f× | %.0f |

                    runs (ImageStore / tar): %s
                    """, rounds, layers.size(), entries, plain / 1048576.0, gz / 1048576.0, gMed, tMed, gMed / tMed, median(ratios),
                    plain / 1048576.0 / gMed, pairs(gantry, tar));
            System.out.println(md);
            if (report != null) {
                Files.writeString(report, "# OCI import bench\n\n" + md);
                System.out.println("report: " + report);
            }
            return 0;
        } finally {
            Cmd.run(List.of("rm", "-rf", "--one-file-system", work.toString()), null, Duration.ofMinutes(5));
        }
    }

    private static double importOnce(Path image, Path storeDir) {
        long t = System.nanoTime();
        Image imported = new ImageStore(storeDir).importTarball(image, "bench");
        double s = (System.nanoTime() - t) / 1e9;
        if (!Files.isRegularFile(storeDir.resolve(imported.id()).resolve("rootfs/etc/passwd"))) {
            throw new IllegalStateException("the import left no /etc/passwd");
        }
        Cmd.check("rm", "-rf", "--one-file-system", storeDir.toString());
        return s;
    }

    private static double tarOnce(List<Layer> layers, Path dir) throws IOException {
        Files.createDirectories(dir);
        long t = System.nanoTime();
        for (Layer l : layers) {
            Cmd.Result r = Cmd.run(List.of("tar", "-x", "--numeric-owner", "-f", l.gz().toString(), "-C", dir.toString()), null, Duration.ofMinutes(10));
            if (!r.ok()) {
                throw new IllegalStateException("tar -x: " + r.stderr());
            }
        }
        double s = (System.nanoTime() - t) / 1e9;
        Cmd.check("rm", "-rf", "--one-file-system", dir.toString());
        return s;
    }

    /**
     * Four layers of about a quarter of the size each: busybox and random and text files; then more
     * text, whiting out files of layer 1; then random files and a directory made opaque; then a mix,
     * whiting out a big file.
     */
    private List<Layer> generate(Path work) throws IOException {
        long quarter = (long) mib * 1048576 / 4;
        SplittableRandom random = new SplittableRandom(42);
        byte[] busybox = Files.readAllBytes(BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, work.resolve("busybox.tar")));
        List<Layer> layers = new ArrayList<>();
        layers.add(layer(work, 1, out -> {
            copyEntries(busybox, out);
            dir(out, "data/");
            dir(out, "data/text/");
            dir(out, "data/blobs/");
            randomFiles(out, random, "data/blobs/r", quarter / 2, 1 << 20);
            textFiles(out, random, "data/text/t", quarter / 2);
        }));
        layers.add(layer(work, 2, out -> {
            dir(out, "data/");
            dir(out, "data/text/");
            for (int i = 0; i < 500; i++) {
                file(out, "data/text/.wh.t" + (i * 2) + ".txt", new byte[0]);
            }
            dir(out, "srv/");
            textFiles(out, random, "srv/s", quarter);
        }));
        layers.add(layer(work, 3, out -> {
            dir(out, "data/");
            dir(out, "data/blobs/");
            file(out, "data/blobs/.wh..wh..opq", new byte[0]);
            randomFiles(out, random, "data/blobs/n", quarter, 4 << 20);
        }));
        layers.add(layer(work, 4, out -> {
            dir(out, "data/");
            dir(out, "data/blobs/");
            file(out, "data/blobs/.wh.n0", new byte[0]);
            dir(out, "opt/");
            randomFiles(out, random, "opt/r", quarter / 2, 2 << 20);
            textFiles(out, random, "opt/t", quarter / 2);
        }));
        return layers;
    }

    private interface Entries {
        void write(TarArchiveOutputStream out) throws IOException;
    }

    private static Layer layer(Path work, int n, Entries entries) throws IOException {
        Path gz = work.resolve("layer" + n + ".tar.gz");
        MessageDigest blob = sha256();
        MessageDigest diff = sha256();
        CountingTar counted;
        try (OutputStream file = Files.newOutputStream(gz);
             DigestOutputStream blobOut = new DigestOutputStream(file, blob);
             GZIPOutputStream zip = new GZIPOutputStream(blobOut, 1 << 16) { { def.setLevel(1); } };
             DigestOutputStream diffOut = new DigestOutputStream(zip, diff);
             CountingTar tar = new CountingTar(diffOut)) {
            counted = tar;
            entries.write(tar.out);
        }
        return new Layer(gz, HexFormat.of().formatHex(blob.digest()), HexFormat.of().formatHex(diff.digest()), counted.bytes(), counted.entries);
    }

    /** A tar stream that counts its entries and the bytes it writes. */
    private static final class CountingTar implements AutoCloseable {
        final TarArchiveOutputStream out;
        int entries;
        private final Counting counting;

        CountingTar(OutputStream target) {
            counting = new Counting(target);
            out = new TarArchiveOutputStream(counting) {
                @Override
                public void putArchiveEntry(TarArchiveEntry e) throws IOException {
                    entries++;
                    super.putArchiveEntry(e);
                }
            };
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        long bytes() {
            return counting.count;
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static void copyEntries(byte[] tarBytes, TarArchiveOutputStream out) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new java.io.ByteArrayInputStream(tarBytes))) {
            for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                out.putArchiveEntry(e);
                in.transferTo(out);
                out.closeArchiveEntry();
            }
        }
    }

    private static void randomFiles(TarArchiveOutputStream out, SplittableRandom random, String prefix, long total, int each) throws IOException {
        byte[] buf = new byte[each];
        for (int i = 0; (long) i * each < total; i++) {
            random.nextBytes(buf);
            file(out, prefix + i, buf);
        }
    }

    private static void textFiles(TarArchiveOutputStream out, SplittableRandom random, String prefix, long total) throws IOException {
        String[] words = "zone image layer whiteout opaque digest tenant node gantry overlay runc quota".split(" ");
        for (int i = 0; (long) i * (TEXT_FILE + 512) < total; i++) { // a 512-byte tar header each
            StringBuilder sb = new StringBuilder(TEXT_FILE);
            while (sb.length() < TEXT_FILE - 16) {
                sb.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(random.nextInt(8) == 0 ? '\n' : ' ');
            }
            file(out, prefix + i + ".txt", sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void dir(TarArchiveOutputStream out, String name) throws IOException {
        out.putArchiveEntry(new TarArchiveEntry(name));
        out.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setMode(0100644);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
    }

    private static Path ociLayout(Path file, List<Layer> layers) throws IOException {
        StringBuilder diffIds = new StringBuilder();
        StringBuilder layerDescriptors = new StringBuilder();
        for (Layer l : layers) {
            diffIds.append(diffIds.length() == 0 ? "" : ",").append("\"sha256:").append(l.diffHex()).append('"');
            layerDescriptors.append(layerDescriptors.length() == 0 ? "" : ",")
                    .append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:").append(l.blobHex())
                    .append("\",\"size\":").append(size(l.gz())).append('}');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configHex = hex(config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + configHex + "\",\"size\":" + config.length
                + "},\"layers\":[" + layerDescriptors + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestHex = hex(manifest);
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:"
                + manifestHex + "\",\"size\":" + manifest.length + "}]}").getBytes(StandardCharsets.UTF_8);
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(file))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            file(out, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            file(out, "index.json", index);
            dir(out, "blobs/");
            dir(out, "blobs/sha256/");
            file(out, "blobs/sha256/" + configHex, config);
            file(out, "blobs/sha256/" + manifestHex, manifest);
            for (Layer l : layers) {
                TarArchiveEntry e = new TarArchiveEntry("blobs/sha256/" + l.blobHex());
                e.setSize(size(l.gz()));
                out.putArchiveEntry(e);
                try (InputStream in = Files.newInputStream(l.gz())) {
                    in.transferTo(out);
                }
                out.closeArchiveEntry();
            }
        }
        return file;
    }

    private static String pairs(List<Double> a, List<Double> b) {
        List<String> p = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            p.add(String.format("%.2f / %.2f", a.get(i), b.get(i)));
        }
        return String.join(" · ", p);
    }

    private static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
