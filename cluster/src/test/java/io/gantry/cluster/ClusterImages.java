package io.gantry.cluster;

import io.gantry.testkit.docker.DebianBase;
import io.gantry.testkit.docker.HostCommand;
import io.gantry.testkit.docker.LocalDocker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster's images, all built here (nothing can be pulled): the Debian base from debootstrap (built once
 * per engine), then FROM it PostgreSQL, HAProxy, Gantry (the release on Java 17, with the agent's tools) and
 * ZooKeeper (FROM Gantry). Every build runs each time and is answered from Docker's layer cache unless its
 * Dockerfile or files changed: a new gantry.jar rebuilds only the Gantry image's last layers.
 */
record ClusterImages(String postgres, String haproxy, String gantry, String zookeeper) {
    static final String BASE = "gantry-cluster/debian12:1";
    private static final Path CONTEXTS = Path.of("/var/lib/gantry-cluster/contexts");

    static ClusterImages ensure(LocalDocker docker) {
        DebianBase.ensure(docker, BASE, List.of(), "/bin/bash");
        // the three FROM the base build side by side: on a clean machine most of their time is apt's downloads
        CompletableFuture<String> postgres = CompletableFuture.supplyAsync(() -> build(docker, "postgres", "gantry-cluster/postgres:1"));
        CompletableFuture<String> haproxy = CompletableFuture.supplyAsync(() -> build(docker, "haproxy", "gantry-cluster/haproxy:1"));
        String gantry = build(docker, "gantry", "gantry-cluster/gantry:dev");
        String zookeeper = build(docker, "zookeeper", "gantry-cluster/zookeeper:dev", "--build-arg", "GANTRY_IMAGE=" + gantry);
        return new ClusterImages(postgres.join(), haproxy.join(), gantry, zookeeper);
    }

    private static String build(LocalDocker docker, String name, String tag, String... args) {
        Path context = context(name);
        List<String> cmd = new ArrayList<>(List.of("build", "-q", "--network", "host", "-t", tag));
        cmd.addAll(List.of(args));
        cmd.add(context.toString());
        docker.docker(Duration.ofMinutes(10), cmd.toArray(String[]::new)).check("docker build " + tag);
        return tag;
    }

    /** The build context: the image's files from the test resources, and for Gantry the release beside them. */
    private static Path context(String name) {
        Path dir = CONTEXTS.resolve(name);
        try {
            Files.createDirectories(dir);
            for (String file : List.of("Dockerfile", "node.sh")) {
                try (InputStream in = ClusterImages.class.getResourceAsStream("/images/" + name + "/" + file)) {
                    if (in != null) {
                        Files.write(dir.resolve(file), in.readAllBytes());
                    }
                }
            }
            if (name.equals("gantry")) {
                dir.resolve("node.sh").toFile().setExecutable(true);
                // Docker's COPY cache compares contents (not times): an unchanged release reuses the layers
                HostCommand.run("rm", "-rf", dir.resolve("lib").toString());
                HostCommand.run(Duration.ofMinutes(2), List.of("cp", "-a", Release.dir().resolve("gantry.jar").toString(),
                        Release.dir().resolve("lib").toString(), dir.toString())).check("copy the release");
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
