package dev.pingscope;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Launches Chromium for browser tests through Playwright. The browser is, in order: the executable named
 * by PINGSCOPE_TEST_BROWSER, Debian's /usr/bin/chromium (what the test command installs), or Playwright's own
 * download where that is possible. Node from the PATH runs Playwright's driver when it is new enough (faster
 * start); otherwise the driver's own bundled Node does.
 */
public final class Browsers {
    private static final List<String> ARGS = List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-quic");

    /** Playwright's driver refuses older Node (Debian 12's is 18): then it runs on the Node bundled with it. */
    private static final int PLAYWRIGHT_MIN_NODE = 20;

    private Browsers() {}

    public static Playwright playwright() {
        Map<String, String> env = new HashMap<>();
        Path browser = systemBrowser();
        if (browser != null) {
            env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        }
        Path node = onPath("node");
        if (node != null && nodeMajorVersion(node) >= PLAYWRIGHT_MIN_NODE) {
            env.put("PLAYWRIGHT_NODEJS_PATH", node.toString());
        }
        return Playwright.create(new Playwright.CreateOptions().setEnv(env));
    }

    public static Browser chromium(Playwright playwright, String... extraArgs) {
        return launch(playwright, systemBrowser(), extraArgs);
    }

    /**
     * Chromium with QUIC, which {@link #chromium(Playwright, String...)} turns off (so that no https test's
     * request goes over HTTP/3 by surprise): WebTransport, for udp_echo, needs it.
     */
    public static Browser chromiumWithQuic(Playwright playwright, String... extraArgs) {
        List<String> args = new ArrayList<>(ARGS);
        args.remove("--disable-quic");
        args.addAll(List.of(extraArgs));
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions().setHeadless(true).setArgs(args);
        Path executable = systemBrowser();
        if (executable != null) {
            options.setExecutablePath(executable);
        }
        return playwright.chromium().launch(options);
    }

    /** Chromium started by a program of the test's choosing (e.g. a wrapper that runs it in a network namespace). */
    public static Browser chromium(Playwright playwright, Path launcher, String... extraArgs) {
        return launch(playwright, launcher, extraArgs);
    }

    private static Browser launch(Playwright playwright, Path executable, String... extraArgs) {
        List<String> args = new ArrayList<>(ARGS);
        args.addAll(List.of(extraArgs));
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions().setHeadless(true).setArgs(args);
        if (executable != null) {
            options.setExecutablePath(executable);
        }
        return playwright.chromium().launch(options);
    }

    /** The Chromium executable the tests use, or null when only Playwright's own download is left. */
    public static Path systemBrowser() {
        String configured = System.getenv("PINGSCOPE_TEST_BROWSER");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path debian = Path.of("/usr/bin/chromium");
        return Files.isExecutable(debian) ? debian : null;
    }

    /** The major version of this node executable ("v20.20.2" gives 20), or 0 when it cannot be told. */
    private static int nodeMajorVersion(Path node) {
        try {
            Process p = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
            p.waitFor();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^v(\\d+)\\.").matcher(version);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator, -1)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
