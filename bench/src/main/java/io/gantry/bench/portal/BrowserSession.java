package io.gantry.bench.portal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Debian chromium driven by its chromium-driver through Selenium, with the flags it needs on a machine without
 * internet and a fresh profile: signs in to the portal through the real Keycloak page, then times loads of the
 * machines page. The time of a load is measured by the browser itself: a script added to every new document (before
 * the page's own) watches for the frame that first holds all the rows and notes {@code performance.now()} right after
 * that frame is painted, that is the time since the navigation started.
 */
final class BrowserSession implements AutoCloseable {
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,900");

    /** One load: when the page's list call answered and when the frame with every row was painted, ms since navigation. */
    record Load(double apiResponseEnd, double apiDuration, double drawn) {
    }

    private final ChromeDriver driver;
    private final Path profile;

    private BrowserSession(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static BrowserSession start(Path chromium, Path chromedriver, Path workDir) throws IOException {
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(FLAGS);
        options.addArguments("--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(chromedriver.toString())).usingAnyFreePort().build();
        try {
            return new BrowserSession(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw e;
        }
    }

    /** Opens {@code page}, signs in on the Keycloak page it is sent to, and waits to be back on {@code page}. */
    void signIn(String page, String user, String password) {
        driver.get(page);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.id("kc-login")).click();
        wait.until(ExpectedConditions.urlToBe(page));
    }

    /** The value of the browser's cookie {@code name} (e.g. the portal's session), so an HTTP client can share the session. */
    String cookie(String name) {
        Cookie c = driver.manage().getCookieNamed(name);
        if (c == null) {
            throw new IllegalStateException("the browser has no cookie " + name + " after signing in");
        }
        return c.getValue();
    }

    /** From now on, every new document notes when the frame holding {@code rows} rows of {@code rowSelector} was painted. */
    void watchForRows(String rowSelector, int rows) {
        String script = """
                (() => {
                  const selector = %s, want = %d;
                  const painted = new MessageChannel();
                  painted.port1.onmessage = () => { window.__benchDrawn = performance.now(); };
                  const check = () => {
                    if (document.querySelectorAll(selector).length >= want) {
                      painted.port2.postMessage(0);  // runs after this frame, the first with every row, is painted
                    } else {
                      requestAnimationFrame(check);
                    }
                  };
                  requestAnimationFrame(check);
                })();
                """.formatted(jsString(rowSelector), rows);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
    }

    /**
     * Navigates to {@code page} and waits until it has drawn every row; {@code apiPath} names the list call whose timing
     * (from the browser's resource timing) goes with the load.
     */
    Load load(String page, String apiPath) {
        driver.get("about:blank");
        driver.get(page);
        JavascriptExecutor js = driver;
        new WebDriverWait(driver, Duration.ofSeconds(120)).pollingEvery(Duration.ofMillis(20))
                .until(d -> js.executeScript("return window.__benchDrawn !== undefined"));
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) js.executeScript("""
                const api = performance.getEntriesByType('resource').find(e => e.name.includes(arguments[0]));
                return { drawn: window.__benchDrawn, end: api ? api.responseEnd : -1, took: api ? api.duration : -1 };
                """, apiPath);
        return new Load(number(t.get("end")), number(t.get("took")), number(t.get("drawn")));
    }

    /** Leaves the current page for an empty one (a page that polls stops polling). */
    void blank() {
        driver.get("about:blank");
    }

    /** The page's text for an element, to check what a load showed. */
    String text(String cssSelector) {
        return driver.findElement(By.cssSelector(cssSelector)).getText();
    }

    long count(String cssSelector) {
        return ((Number) driver.executeScript("return document.querySelectorAll(arguments[0]).length", cssSelector)).longValue();
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String jsString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
