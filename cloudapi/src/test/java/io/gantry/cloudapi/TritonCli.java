package io.gantry.cloudapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.common.Json;
import io.gantry.testkit.SignedClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code triton} CLI (7.17.0, unmodified) signed in as a fresh account of a {@link TestPlatform}, with its own
 * {@code HOME} and ssh key. {@link #open} skips the calling test class (an assumption) where the CLI is not installed
 * ({@code $TRITON_NODE_MODULES}, as CI has it) or node and ssh-keygen are not on the PATH.
 */
final class TritonCli {
    /** One run of the CLI. */
    record Run(int exit, String out, String err) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return Json.read(out.trim(), Map.class);
        }

        /** The CLI's {@code -j} list output: one JSON object a line. */
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines() {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String line : out.trim().split("\n")) {
                if (!line.isBlank()) {
                    rows.add(Json.read(line, Map.class));
                }
            }
            return rows;
        }
    }

    private final Path triton;
    private final Path home;
    private final Map<String, String> env;
    final String login;
    final SignedClient api;

    private TritonCli(Path triton, Path home, Map<String, String> env, String login, SignedClient api) {
        this.triton = triton;
        this.home = home;
        this.env = env;
        this.login = login;
        this.api = api;
    }

    static TritonCli open(TestPlatform platform, Path home) throws Exception {
        String modules = System.getenv("TRITON_NODE_MODULES");
        assumeTrue(modules != null && Files.isExecutable(Path.of(modules, ".bin", "triton")),
                "the triton CLI is not installed: set TRITON_NODE_MODULES to its node_modules");
        assumeTrue(onPath("node") && onPath("ssh-keygen"), "node and ssh-keygen are needed to run the triton CLI");
        String login = "cli" + UUID.randomUUID().toString().substring(0, 8);
        SignedClient api = platform.account(login);
        Path ssh = Files.createDirectories(home.resolve(".ssh"));
        Path key = ssh.resolve("id_rsa");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        assertThat(keygen.waitFor(60, TimeUnit.SECONDS) && keygen.exitValue() == 0).as("ssh-keygen").isTrue();
        SshPublicKey pub = SshPublicKey.parse(Files.readString(Path.of(key + ".pub")).trim());
        try (Seed seed = new Seed(platform.db)) {
            seed.key(seed.account(login, login + "@example.test"), "cli", pub);
        }
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(), "TRITON_URL", platform.url(), "TRITON_ACCOUNT", login,
                "TRITON_KEY_ID", pub.md5Fingerprint(), "PATH", System.getenv("PATH")));
        return new TritonCli(Path.of(modules, ".bin", "triton"), home, env, login, api);
    }

    private static boolean onPath(String tool) {
        return System.getenv("PATH") != null && List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    Run run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(triton.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("triton " + String.join(" ", args) + " did not end in 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A run that must succeed. */
    Run ok(String... args) throws Exception {
        Run r = run(args);
        assertThat(r.exit()).as("triton " + String.join(" ", args) + "\n" + r.err()).isZero();
        return r;
    }
}
