package io.gantry.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.agent.host.Cmd;
import io.gantry.agent.host.HostProbe;
import io.gantry.cloudapi.auth.SshPublicKey;
import io.gantry.testkit.LoopbackPort;
import io.gantry.testkit.SignedClient;
import io.gantry.testkit.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A tenant's first visit to the portal, in a real Chromium, against `gantry dev` as its own process (cloud API with
 * Keycloak's tokens, provisioner, this machine's runc agent, metering sampling every second, Keycloak and the portal):
 * Keycloak's own sign-in page, an operator's budget for her, create a busybox machine and see it become running on the machines page without
 * reloading, stop it, the usage chart drawn with its data and the budget's line, and its CSV download, add an SSH key (which then signs API
 * requests), rename, resize and retag the machine, delete it, sign out (which ends the Keycloak session too: the next
 * page asks for a sign-in again). Every page is photographed into target/portal-screenshots/ (also when a step
 * fails) and scanned with axe-core at desktop and (machines, machine, usage) phone width: no serious or critical
 * violation. Needs root, runc and Debian's chromium.
 */
@Tag("zones")
class PortalJourneyTest {
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final Duration SIGN_IN_READY = Duration.ofSeconds(240);
    private static final Path SCREENSHOTS = Path.of("target/portal-screenshots");
    private static final String ALICE = "alice";

    private final List<String> blocking = new ArrayList<>();
    private Chromium browser;
    private AxeScan axe;
    private int shot;

    @Test
    void aTenantSignsInRunsAMachineSeesItsUsageAddsAKeyAndSignsOut() throws Exception {
        HostProbe.whyNoRealZones().ifPresent(why -> assumeTrue(false, why));
        Chromium.whyNot().ifPresent(why -> assumeTrue(false, why));
        AxeScan.whyNot().ifPresent(why -> assumeTrue(false, why));
        axe = AxeScan.load();
        Files.createDirectories(SCREENSHOTS);
        try (var files = Files.list(SCREENSHOTS)) {
            files.forEach(f -> f.toFile().delete());
        }
        Path work = Files.createTempDirectory("gantry-portal-journey-");
        String node = "pj" + ProcessHandle.current().pid() % 10000;
        Path state = work.resolve("state");
        Path log = work.resolve("dev.log");
        int apiPort = LoopbackPort.free();
        int portalPort = LoopbackPort.free();
        int keycloakPort = LoopbackPort.free();
        int meteringPort = LoopbackPort.free();
        String portal = "http://127.0.0.1:" + portalPort;
        String keycloak = "http://127.0.0.1:" + keycloakPort;
        String api = "http://127.0.0.1:" + apiPort;
        KeyPair key = TestKeys.rsa();
        String publicKey = TestKeys.openSsh(key, "journey@portal");
        SignedClient alice = new SignedClient(api, ALICE, SshPublicKey.parse(publicKey).md5Fingerprint(), key);
        ChildRoles roles = new ChildRoles();
        try {
            Process dev = roles.start(log, Map.of(), "--node", node, "--state-dir", state.toString(), "dev",
                    "--api-port", Integer.toString(apiPort), "--zk-port", Integer.toString(LoopbackPort.free()),
                    "--db-port", Integer.toString(LoopbackPort.free()), "--metering-port", Integer.toString(meteringPort),
                    "--portal-port", Integer.toString(portalPort), "--keycloak-port", Integer.toString(keycloakPort),
                    "--image-store-port", Integer.toString(LoopbackPort.free()),
                    "--key-dir", work.resolve("ssh").toString());
            awaitLine(dev, log, "sign-in ready");
            browser = Chromium.start(1280, 1000);
            journey(portal, keycloak, "http://127.0.0.1:" + meteringPort, publicKey, alice);
            assertThat(blocking).as("serious or critical accessibility violations (axe-core)").isEmpty();
        } catch (Throwable e) {
            screenshot("failure");
            System.out.println("gantry dev said:\n" + Files.readString(log));
            throw e;
        } finally {
            if (browser != null) {
                browser.close();
            }
            cleanUp(roles, alice, node, state, work);
        }
    }

    private void journey(String portal, String keycloak, String metering, String publicKey, SignedClient alice) {
        WebDriver d = browser.driver;
        String machineName = "journey-" + UUID.randomUUID().toString().substring(0, 6);

        // signing in happens on Keycloak's own page
        d.get(portal + "/machines.html");
        wait(Duration.ofSeconds(60)).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        assertThat(d.getCurrentUrl()).as("the sign-in page is Keycloak's").startsWith(keycloak + "/realms/gantry/");
        page("keycloak-sign-in", false);
        d.findElement(By.id("username")).sendKeys(ALICE);
        d.findElement(By.id("password")).sendKeys("alice-pw");
        d.findElement(By.id("kc-login")).click();
        wait(Duration.ofSeconds(60)).until(ExpectedConditions.urlToBe(portal + "/machines.html"));
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("account-login"), ALICE));
        page("machines-empty", true);
        // the page's first call (the empty list, answered) made her account; an operator gives it a budget (notify
        // only), which the usage charts draw
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#empty:not([hidden])")));
        String budget = ChildRoles.inProcess("budget", "set", ALICE, "memory", "--metric", "memory_gib_hours", "--limit", "0.5",
                "--period", "day", "--policy", "notify", "--metering-url", metering);
        assertThat(budget).as("gantry budget set for alice").contains("memory_gib_hours");

        // create: the catalogue and what the limits leave, then the machine's own page
        d.get(portal + "/create.html");
        wait(Duration.ofSeconds(20)).until(driver -> !new Select(driver.findElement(By.id("package"))).getOptions().isEmpty()
                && !new Select(driver.findElement(By.id("image"))).getOptions().isEmpty());
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("limits-left"), "Machines"));
        assertThat(d.findElement(By.id("limits-left")).getText()).as("the limits and what is left, before submitting")
                .contains("Machines: 0 used of 20, 20 left");
        new Select(d.findElement(By.id("image"))).selectByVisibleText("busybox 1.0.0 (other)");
        Select packages = new Select(d.findElement(By.id("package")));
        packages.selectByIndex(0); // sorted by memory: the smallest
        assertThat(packages.getFirstSelectedOption().getDomProperty("value")).isEqualTo("gantry-128M");
        d.findElement(By.id("name")).sendKeys(machineName);
        d.findElement(By.cssSelector("#tags .add-row")).click();
        d.findElement(By.cssSelector("#tags .kv-key")).sendKeys("journey");
        d.findElement(By.cssSelector("#tags .kv-value")).sendKeys("yes");
        page("create", true);
        d.findElement(By.id("create-submit")).click();
        wait(Duration.ofSeconds(30)).until(ExpectedConditions.urlContains("/machine.html?id="));
        String id = d.getCurrentUrl().replaceAll(".*[?&]id=", "");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("machine-title"), machineName));

        // the machines page follows the state without being reloaded
        d.get(portal + "/machines.html");
        By row = By.cssSelector("tr[data-id='" + id + "']");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(row));
        js("window.journeyMarker = 'same page'; window.journeyRow = document.querySelector(arguments[0]);", "tr[data-id='" + id + "']");
        wait(SETTLE).until(driver -> "running".equals(driver.findElement(row).getDomAttribute("data-state")));
        assertThat(js("return window.journeyMarker")).as("running shown without a reload").isEqualTo("same page");
        assertThat(js("return document.querySelector(arguments[0]) === window.journeyRow", "tr[data-id='" + id + "']"))
                .as("the row was updated in place, not drawn again (no flicker)").isEqualTo(true);
        assertThat(d.findElement(row).getText()).contains(machineName).contains("gantry-128M").containsPattern("192\\.168\\.1(2[89]|3[01])\\.\\d+");
        page("machines-running", true);
        phoneWidth("machines-phone");

        // stop it on its page, through the confirmation dialog
        d.get(portal + "/machine.html?id=" + id);
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("m-state"), "running"));
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#tags-table tbody"), "journey"));
        page("machine-running", true);
        d.findElement(By.id("act-stop")).click();
        confirm("machine-stop-dialog");
        wait(SETTLE).until(ExpectedConditions.textToBe(By.id("m-state"), "stopped"));
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#audit-table tbody"), "stop"));
        page("machine-stopped", true);
        phoneWidth("machine-phone");

        // its usage, drawn: metering rolls up every second; the page asks once, so it is opened until the day shows data
        Poll.until(Duration.ofSeconds(90), () -> {
            d.get(portal + "/usage.html");
            wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("chart-memory")));
            Object points = js("const c = Chart.getChart(document.getElementById('chart-memory'));"
                    + "const s = c.data.datasets.find(d => d.machine === arguments[0]);"
                    + "return s ? s.data.filter(v => v > 0).length : 0;", id);
            assertThat(((Number) points).intValue()).as("days with memory use drawn for the machine").isPositive();
        });
        assertThat(d.findElement(By.cssSelector("#per-machine tbody")).getText()).contains(machineName);
        Object budgetLine = js("const c = Chart.getChart(document.getElementById('chart-memory'));"
                + "const b = c.data.datasets.find(d => d.budget === 'memory');"
                + "return b ? Math.max(...b.data) : -1;");
        assertThat(((Number) budgetLine).doubleValue()).as("alice's daily memory budget drawn on the memory chart").isEqualTo(0.5);
        page("usage", true);
        phoneWidth("usage-phone");
        d.findElement(By.id("csv")).click();
        Poll.until(Duration.ofSeconds(20), () -> {
            Path csv;
            try (var files = Files.list(browser.downloads())) {
                csv = files.filter(f -> f.getFileName().toString().endsWith(".csv")).findFirst().orElse(null);
            }
            assertThat(csv).as("the CSV download").isNotNull();
            List<String> lines = Files.readAllLines(csv);
            assertThat(lines.get(0)).startsWith("day,machine,machine_name,package,instance_hours,cpu_hours,memory_gib_hours");
            assertThat(lines).as("a row of the machine's usage").anySatisfy(l -> assertThat(l).contains("," + id + "," + machineName + ",gantry-128M,"));
        });

        // an SSH key: a bad one is refused in words next to the form, a good one listed and then signing API requests
        d.get(portal + "/keys.html");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("key-form")));
        d.findElement(By.id("key-name")).sendKeys("laptop");
        d.findElement(By.id("key-text")).sendKeys("not a key");
        d.findElement(By.id("key-submit")).click();
        wait(Duration.ofSeconds(20)).until(driver -> !driver.findElement(By.id("add-error")).getText().isBlank());
        assertThat(d.findElement(By.id("add-error")).getDomAttribute("role")).isEqualTo("alert");
        assertThat(d.findElement(By.id("add-error")).getText()).as("the API's refusal in words").doesNotContain("Exception").isNotBlank();
        page("keys-refused", true);
        d.findElement(By.id("key-text")).clear();
        d.findElement(By.id("key-text")).sendKeys(publicKey);
        d.findElement(By.id("key-submit")).click();
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#keys tr[data-name='laptop']")));
        assertThat(d.findElement(By.id("add-error")).getText()).isBlank();
        page("keys", true);
        assertThat(alice.get("/my/machines").status()).as("the key added in the portal signs alice's API requests").isEqualTo(200);

        d.get(portal + "/limits.html");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#limits tbody"), "Machines"));
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("budgets"), "memory"));
        page("limits", true);

        // its page's other changes: rename, metadata, a tag removed, a resize
        d.get(portal + "/machine.html?id=" + id);
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("m-state"), "stopped"));
        String renamed = machineName + "-b";
        d.findElement(By.id("act-rename")).click();
        WebElement newName = wait(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("rename-input")));
        newName.clear();
        newName.sendKeys(renamed);
        confirm("machine-rename-dialog");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBe(By.id("machine-title"), renamed));
        d.findElement(By.id("metadata-key")).sendKeys("owner");
        d.findElement(By.id("metadata-value")).sendKeys("journey test");
        d.findElement(By.cssSelector("#metadata-form button[type='submit']")).click();
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#metadata-table tbody"), "journey test"));
        d.findElement(By.cssSelector("#tags-table button[aria-label='Remove tag journey']")).click();
        confirm("tag-remove-dialog");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#tags-table tbody"), "No tags."));
        d.findElement(By.id("act-resize")).click();
        new Select(wait(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("resize-package"))))
                .selectByValue("gantry-256M");
        confirm("machine-resize-dialog");
        wait(SETTLE).until(ExpectedConditions.textToBe(By.id("m-package"), "gantry-256M"));
        assertThat(d.findElement(By.id("action-error")).getText()).isBlank();
        page("machine-changed", true);

        // delete it, confirmed
        d.findElement(By.id("act-delete")).click();
        confirm("machine-delete-dialog");
        wait(SETTLE).until(ExpectedConditions.textToBe(By.id("m-state"), "deleted"));
        page("machine-deleted", true);
        d.get(portal + "/machines.html");
        wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#empty:not([hidden])")));

        // sign out ends the Keycloak session too: the next page asks for a sign-in
        d.findElement(By.cssSelector("#signout-form button")).click();
        wait(Duration.ofSeconds(30)).until(ExpectedConditions.urlToBe(portal + "/signed-out.html"));
        assertThat(d.findElement(By.tagName("h1")).getText()).isEqualTo("You are signed out");
        page("signed-out", true);
        d.get(portal + "/machines.html");
        wait(Duration.ofSeconds(30)).until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
        assertThat(d.getCurrentUrl()).as("signed out of Keycloak too").startsWith(keycloak + "/realms/gantry/");
        page("after-sign-out", false);
    }

    /** The page as a 375 px wide phone shows it: photographed, scanned, and nothing wider than the screen. */
    private void phoneWidth(String name) {
        browser.driver.manage().window().setSize(new Dimension(375, 812));
        try {
            wait(Duration.ofSeconds(10)).until(driver -> ((Number) js("return window.innerWidth")).intValue() <= 375);
            page(name, true);
            assertThat(((Number) js("return document.documentElement.scrollWidth - window.innerWidth")).intValue())
                    .as("%s scrolls sideways at phone width", name).isLessThanOrEqualTo(0);
        } finally {
            browser.driver.manage().window().setSize(new Dimension(1280, 1000));
        }
    }

    /** The open confirmation dialog: photographed, scanned, then confirmed. */
    private void confirm(String name) {
        WebElement dialog = wait(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
        page(name, true);
        dialog.findElement(By.cssSelector("button[value='ok']")).click();
        wait(Duration.ofSeconds(10)).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("dialog[open]"), 0));
    }

    /** A screenshot of what the browser shows, and (for the portal's own pages) an axe scan of it. */
    private void page(String name, boolean scan) {
        screenshot(name);
        if (!scan) {
            return;
        }
        var size = browser.driver.manage().window().getSize();
        for (AxeScan.Violation v : axe.run(browser.driver)) {
            String where = name + " (" + size.getWidth() + "px, " + browser.driver.getCurrentUrl() + "): " + v;
            System.out.println("axe: " + where);
            if (v.blocking()) {
                blocking.add(where);
            }
        }
    }

    private void screenshot(String name) {
        if (browser == null) {
            return;
        }
        try {
            Files.write(SCREENSHOTS.resolve(String.format("%02d-%s.png", ++shot, name)), browser.fullPageScreenshot());
        } catch (Exception e) {
            System.out.println("screenshot " + name + " failed: " + e.getMessage());
        }
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser.driver).executeScript(script, args);
    }

    private WebDriverWait wait(Duration timeout) {
        return new WebDriverWait(browser.driver, timeout, Duration.ofMillis(200));
    }

    private static void awaitLine(Process dev, Path log, String text) {
        Poll.until(SIGN_IN_READY, () -> {
            assertThat(dev.isAlive()).as("gantry dev ended early:\n" + Files.readString(log)).isTrue();
            String said = Files.readString(log);
            if (said.contains("sign-in unavailable")) {
                throw new IllegalStateException("gantry dev could not start Keycloak:\n" + said); // Poll gives up at once
            }
            assertThat(said).as(log + " says '" + text + "'").contains(text);
        });
    }

    /**
     * Deletes what alice still has (once her key is in), stops dev (SIGTERM, SIGKILL after 30 s), ends any Keycloak of
     * this run that outlived it (its JVM is found by this run's own directory on its command line), removes the node.
     */
    private static void cleanUp(ChildRoles roles, SignedClient alice, String node, Path state, Path work) throws Exception {
        try {
            for (Map<String, Object> m : alice.get("/my/machines").list()) {
                alice.delete("/my/machines/" + m.get("id"));
            }
        } catch (RuntimeException | AssertionError e) {
            System.err.println("cleaning up: alice's machines could not be deleted through the API (" + e.getMessage()
                    + "); node destroy removes their zones");
        }
        roles.close();
        StalePostgres.stop(state.resolve("dev/postgres")); // left by a dev that had to be killed
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(work.toString())).orElse(false))
                .forEach(p -> {
                    System.err.println("cleaning up: pid " + p.pid() + " of this run outlived gantry dev; stopping it");
                    p.destroyForcibly();
                });
        ChildRoles.inProcess("--node", node, "--state-dir", state.toString(), "node", "destroy", "--yes");
        Cmd.run("rm", "-rf", "--one-file-system", work.toString());
    }
}
