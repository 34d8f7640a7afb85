package dev.pingscope.browser;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Firefox ESR, headless, driven over WebDriver BiDi with a small client of our own (no geckodriver is
 * packaged; puppeteer would add Node and npm packages between the test and the protocol for the same few
 * commands). One Firefox per run, a fresh profile; each page is a window (not a tab: a background tab is hidden,
 * and Firefox throttles its timers so hard that a 3 s run took 121 s) in a user context of its own.
 */
final class BidiFirefox implements TestBrowser {
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    /** Long enough for the longest awaited script (a load run through the page). */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(170);

    /**
     * A test profile: no first-run pages, updates, telemetry or safe-browsing lookups (the remote agent sets its
     * own recommended prefs on top).
     */
    private static final String USER_JS = """
            user_pref("browser.shell.checkDefaultBrowser", false);
            user_pref("browser.startup.homepage_override.mstone", "ignore");
            user_pref("browser.aboutwelcome.enabled", false);
            user_pref("startup.homepage_welcome_url", "about:blank");
            user_pref("browser.newtabpage.enabled", false);
            user_pref("app.update.disabledForTesting", true);
            user_pref("app.update.auto", false);
            user_pref("extensions.update.enabled", false);
            user_pref("extensions.getAddons.cache.enabled", false);
            user_pref("datareporting.policy.dataSubmissionEnabled", false);
            user_pref("datareporting.healthreport.uploadEnabled", false);
            user_pref("toolkit.telemetry.enabled", false);
            user_pref("toolkit.telemetry.unified", false);
            user_pref("browser.safebrowsing.malware.enabled", false);
            user_pref("browser.safebrowsing.phishing.enabled", false);
            user_pref("browser.safebrowsing.downloads.enabled", false);
            user_pref("network.captive-portal-service.enabled", false);
            user_pref("network.connectivity-service.enabled", false);
            user_pref("browser.region.network.url", "");
            user_pref("media.gmp-manager.updateEnabled", false);
            user_pref("dom.disable_beforeunload", true);
            """;

    private final Process process;
    private final ProcessTree processes;
    private final Path profile;
    private final BidiConnection bidi;
    private final Map<String, List<String>> errorsByContext = new ConcurrentHashMap<>();

    private BidiFirefox(Process process, Path profile, BidiConnection bidi) {
        this.process = process;
        this.processes = new ProcessTree(List.of(process));
        this.profile = profile;
        this.bidi = bidi;
        bidi.onEvent(event -> {
            if (event.path("method").asText().equals("log.entryAdded")) {
                JsonNode entry = event.path("params");
                List<String> errors = errorsByContext.get(entry.at("/source/context").asText());
                if (errors != null && entry.path("level").asText().equals("error")) {
                    errors.add((entry.path("type").asText().equals("javascript") ? "uncaught: " : "") + entry.path("text").asText());
                }
            }
        });
    }

    /** The executable: PINGSCOPE_TEST_FIREFOX, or Debian's firefox-esr. */
    static Path executable() {
        String configured = System.getenv("PINGSCOPE_TEST_FIREFOX");
        return configured != null && !configured.isBlank() ? Path.of(configured) : Path.of("/usr/bin/firefox-esr");
    }

    static BidiFirefox launch() {
        Path profile = null;
        Process process = null;
        try {
            profile = Files.createTempDirectory("pingscope-firefox-");
            Files.writeString(profile.resolve("user.js"), USER_JS);
            ProcessBuilder builder = new ProcessBuilder(executable().toString(), "--headless", "--no-remote",
                    "--remote-debugging-port=0", "--profile", profile.toString(), "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
            process = builder.start();
            CompletableFuture<String> url = new CompletableFuture<>();
            Process started = process;
            Thread reader = new Thread(() -> drainStderr(started, url), "firefox stderr");
            reader.setDaemon(true);
            reader.start();
            String ws = url.get(30, TimeUnit.SECONDS);
            BidiConnection bidi = BidiConnection.open(URI.create(ws + "/session"));
            BidiFirefox firefox = new BidiFirefox(process, profile, bidi);
            bidi.send("session.new", Map.of("capabilities", Map.of("alwaysMatch", Map.of("acceptInsecureCerts", true))));
            bidi.send("session.subscribe", Map.of("events", List.of("log.entryAdded")));
            return firefox;
        } catch (Exception e) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteTree(profile);
            throw new IllegalStateException("Firefox (" + executable() + ") did not start over WebDriver BiDi", e);
        }
    }

    /** Reads Firefox's stderr to the end (so that it never blocks on a full pipe), handing on the BiDi address. */
    private static void drainStderr(Process process, CompletableFuture<String> url) {
        List<String> early = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                } else if (!url.isDone() && early.size() < 50) {
                    early.add(line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        url.completeExceptionally(new IllegalStateException("no BiDi address on stderr: " + early));
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp dir left behind is harmless
        }
    }

    @Override
    public BrowserKind kind() {
        return BrowserKind.FIREFOX;
    }

    @Override
    public TestPage newPage(int width, int height) {
        String userContext = bidi.send("browser.createUserContext", Map.of()).path("userContext").asText();
        String context = bidi.send("browsingContext.create", Map.of("type", "window", "userContext", userContext))
                .path("context").asText();
        errorsByContext.put(context, new CopyOnWriteArrayList<>());
        bidi.send("browsingContext.setViewport", Map.of("context", context, "viewport", Map.of("width", width, "height", height)));
        return new BidiPage(userContext, context);
    }

    @Override
    public void close() {
        try {
            bidi.send("browser.close", Map.of(), Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // killed below either way
        }
        bidi.close();
        try {
            process.waitFor(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.close();
        deleteTree(profile);
    }

    /** A window of its own user context. */
    final class BidiPage extends ScriptedPage {
        private final String userContext;
        private final String context;

        BidiPage(String userContext, String context) {
            this.userContext = userContext;
            this.context = context;
        }

        @Override
        public BrowserKind kind() {
            return BrowserKind.FIREFOX;
        }

        @Override
        public void navigate(String url) {
            bidi.send("browsingContext.navigate", Map.of("context", context, "url", url, "wait", "complete"), DEFAULT_TIMEOUT);
        }

        @Override
        public void reload() {
            bidi.send("browsingContext.reload", Map.of("context", context, "wait", "complete"), DEFAULT_TIMEOUT);
        }

        @Override
        String evaluateJson(String expression) {
            JsonNode result = bidi.send("script.evaluate", Map.of("expression", expression, "awaitPromise", true,
                    "target", Map.of("context", context), "resultOwnership", "none"), SCRIPT_TIMEOUT);
            if (result.path("type").asText().equals("exception")) {
                throw new PageScriptException("Firefox: " + result.at("/exceptionDetails/text").asText());
            }
            return result.at("/result/value").asText();
        }

        @Override
        void performActions(List<Map<String, Object>> actions) {
            bidi.send("input.performActions", Map.of("context", context, "actions", actions));
        }

        @Override
        public byte[] screenshot(boolean fullPage) {
            JsonNode shot = bidi.send("browsingContext.captureScreenshot",
                    Map.of("context", context, "origin", fullPage ? "document" : "viewport"));
            return Base64.getDecoder().decode(shot.path("data").asText());
        }

        @Override
        public List<String> consoleErrors() {
            return List.copyOf(errorsByContext.getOrDefault(context, List.of()));
        }

        @Override
        public void close() {
            bidi.send("browsingContext.close", Map.of("context", context));
            bidi.send("browser.removeUserContext", Map.of("userContext", userContext));
            errorsByContext.remove(context);
        }
    }
}
