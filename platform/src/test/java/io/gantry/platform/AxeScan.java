package io.gantry.platform;

import io.gantry.agent.host.Cmd;
import io.gantry.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * axe-core, the accessibility checker, from npm at the version src/test/browser/package-lock.json pins (installed with
 * {@code npm ci} into target/ once), injected into a page and run there.
 */
final class AxeScan {
    private static final Path PACKAGE = Path.of("src/test/browser");
    private static final Path INSTALL = Path.of("target/browser-tools");
    private static final Path AXE = INSTALL.resolve("node_modules/axe-core/axe.min.js");

    /** One rule a page breaks: its id, impact (minor, moderate, serious, critical), what it asks and where. */
    record Violation(String id, String impact, String help, List<String> targets) {
        boolean blocking() {
            return "serious".equals(impact) || "critical".equals(impact);
        }

        @Override
        public String toString() {
            return impact + " " + id + ": " + help + " at " + targets;
        }
    }

    private final String source;

    private AxeScan(String source) {
        this.source = source;
    }

    /** Why axe-core cannot be had (no npm), or empty. */
    static Optional<String> whyNot() {
        return Files.isRegularFile(AXE) || Cmd.onPath("npm") ? Optional.empty()
                : Optional.of("npm is not installed; the accessibility scan installs axe-core with it (apt-get install -y nodejs npm)");
    }

    /** axe-core as the lockfile pins it; {@code npm ci} runs when target/ does not have it yet or the lockfile changed. */
    static AxeScan load() throws IOException {
        Path lock = PACKAGE.resolve("package-lock.json");
        Path installedLock = INSTALL.resolve("package-lock.json");
        if (!Files.isRegularFile(AXE) || !Files.isRegularFile(installedLock) || Files.mismatch(lock, installedLock) != -1) {
            Files.createDirectories(INSTALL);
            Files.copy(PACKAGE.resolve("package.json"), INSTALL.resolve("package.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(lock, installedLock, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Cmd.Result npm = Cmd.run(List.of("npm", "ci", "--prefix", INSTALL.toString(), "--no-audit", "--no-fund", "--loglevel=error"),
                    null, Duration.ofMinutes(5));
            if (!npm.ok()) {
                throw new IllegalStateException("npm ci of axe-core failed: " + npm.stderr().strip());
            }
        }
        return new AxeScan(Files.readString(AXE));
    }

    /** Runs axe on the page the browser shows now and answers every violation. */
    List<Violation> run(WebDriver driver) {
        JavascriptExecutor js = (JavascriptExecutor) driver;
        js.executeScript(source);
        Object answer = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document, { resultTypes: ['violations'] })
                  .then(r => done(JSON.stringify(r.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })))))
                  .catch(e => done(JSON.stringify({ error: String(e) })));
                """);
        Object parsed = Json.read(String.valueOf(answer), Object.class);
        if (parsed instanceof Map<?, ?> error) {
            throw new IllegalStateException("axe.run failed on " + driver.getCurrentUrl() + ": " + error.get("error"));
        }
        return ((List<?>) parsed).stream().map(o -> {
            Map<?, ?> v = (Map<?, ?>) o;
            return new Violation(String.valueOf(v.get("id")), String.valueOf(v.get("impact")), String.valueOf(v.get("help")),
                    ((List<?>) v.get("targets")).stream().map(String::valueOf).toList());
        }).toList();
    }
}
