package io.gantry.platform;

import io.gantry.agent.host.Cmd;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its own chromedriver, with a fresh profile that is deleted on close. The
 * driver's path is given, so Selenium Manager never runs (it would try the network), and the flags keep Chromium from
 * calling hosts it cannot reach (without them it retries them and pages load slowly).
 */
final class Chromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private Chromium(ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** Why Chromium cannot run here (a missing package, named so CI can install it), or empty. */
    static Optional<String> whyNot() {
        if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
            return Optional.of("Debian's chromium and chromium-driver are not installed (" + BINARY + ", " + DRIVER
                    + "): apt-get install -y chromium chromium-driver");
        }
        Cmd.Result version = Cmd.run(DRIVER.toString(), "--version");
        if (!version.ok()) {
            return Optional.of(DRIVER + " --version failed: " + version.stderr().strip());
        }
        return Optional.empty();
    }

    static Chromium start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("gantry-chromium-profile-");
        Path downloads = Files.createDirectories(profile.resolve("downloads"));
        ChromeOptions options = new ChromeOptions();
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        try {
            return new Chromium(new ChromeDriver(service, options), service, profile);
        } catch (RuntimeException e) {
            service.stop();
            Cmd.run("rm", "-rf", profile.toString());
            throw e;
        }
    }

    /** Where the browser saves what the pages download. */
    Path downloads() {
        return profile.resolve("downloads");
    }

    /** The whole page as PNG, not only the part the window shows (Chrome's DevTools capture beyond the viewport). */
    byte[] fullPageScreenshot() {
        try {
            Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            Map<?, ?> size = (Map<?, ?>) metrics.get("cssContentSize");
            double width = ((Number) size.get("width")).doubleValue();
            double height = Math.min(((Number) size.get("height")).doubleValue(), 16_000);
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
                    "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
            return Base64.getDecoder().decode((String) shot.get("data"));
        } catch (RuntimeException e) {
            return driver.getScreenshotAs(OutputType.BYTES); // what the window shows
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            Cmd.run("rm", "-rf", "--one-file-system", profile.toString());
        }
    }
}
