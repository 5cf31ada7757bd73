package dev.parley.web;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts Debian's headless Chromium ({@code chromium} and {@code chromium-driver} packages) for
 * the browser tests. Both paths are given to Selenium explicitly, so Selenium Manager never runs
 * and nothing is downloaded; a missing package fails the test with how to install it (CI's
 * {@code .ci/run} does). Each driver gets a fresh profile directory, removed by {@link #quit}.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /** Desktop and phone window sizes (CSS pixels). */
    static final Dimension DESKTOP = new Dimension(1280, 800);
    static final Dimension PHONE = new Dimension(390, 844);

    private static final Map<ChromeDriver, Path> PROFILES = new ConcurrentHashMap<>();

    private Chromium() {
    }

    /** Throws with the fix when the Debian packages are not installed. */
    static void requireInstalled() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new AssertionError("The browser tests need Debian's chromium and chromium-driver ("
                    + BROWSER + ", " + DRIVER + "). Run .ci/run, which installs them, or "
                    + "sudo apt-get install -y chromium chromium-driver");
        }
    }

    /** A new headless Chromium with its own profile, window {@code size}. */
    static ChromeDriver start(Dimension size) {
        requireInstalled();
        // The driver path as a system property as well: Selenium's DriverFinder then never
        // consults Selenium Manager, whatever the service builder does.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, DRIVER.toString());
        Path profile;
        try {
            profile = Files.createTempDirectory("parley-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US",
                "--user-data-dir=" + profile,
                "--window-size=" + size.getWidth() + "," + size.getHeight());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        // exact viewport (a headless window is at least 500 px wide and loses height to its frame)
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", size.getWidth(), "height", size.getHeight(), "deviceScaleFactor", 1,
                "mobile", size.getWidth() < 700));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        PROFILES.put(driver, profile);
        return driver;
    }

    /** Quits the browser and removes its profile directory. */
    static void quit(ChromeDriver driver) {
        if (driver == null) {
            return;
        }
        try {
            driver.quit();
        } finally {
            Path profile = PROFILES.remove(driver);
            if (profile != null) {
                deleteTree(profile.toFile());
            }
        }
    }

    private static void deleteTree(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteTree(child);
            }
        }
        file.delete();
    }
}
