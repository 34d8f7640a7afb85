package dev.pingscope.browser;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * WebKitGTK's MiniBrowser driven by WebKitWebDriver over W3C WebDriver (HTTP), with a small client of our own.
 * MiniBrowser has no headless mode: it runs on an Xvfb of its own, on a display number Xvfb chose free.
 * WebKitWebDriver takes one session, so the run has one MiniBrowser and each page is a window of it; the
 * client switches to a page's window before each command (commands are serial anyway).
 */
final class WebDriverWebKit implements TestBrowser {
    static final Path MINIBROWSER = Path.of("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser");
    /** Long enough for the longest awaited script (a load run through the page). */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(170);

    /** Records console.error calls and uncaught errors of the document it runs in (WebDriver has no log). */
    private static final String ERROR_HOOK = "() => { if (window.__pingscopeErrors) return; const errors = window.__pingscopeErrors = [];"
            + " const original = console.error; console.error = (...a) => { errors.push(a.map(String).join(' ')); original.apply(console, a); };"
            + " addEventListener('error', (e) => errors.push('uncaught: ' + e.message + ' at ' + e.filename + ':' + e.lineno));"
            + " addEventListener('unhandledrejection', (e) => errors.push('uncaught: ' + (e.reason && e.reason.stack || e.reason))); }";

    private final ProcessTree processes;
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI session;
    /** The window the session opened with: left blank, so that the session outlives every page. */
    private final String blankWindow;
    private String currentWindow;

    private WebDriverWebKit(ProcessTree processes, URI session, String window) {
        this.processes = processes;
        this.session = session;
        this.blankWindow = window;
        this.currentWindow = window;
    }

    static WebDriverWebKit launch() {
        List<Process> started = new ArrayList<>();
        try {
            Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            started.add(xvfb);
            String display = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (display == null || !display.matches("\\d+")) {
                throw new IllegalStateException("Xvfb gave no display number: " + display);
            }
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder driverBuilder = new ProcessBuilder("WebKitWebDriver", "--port=" + port)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
            driverBuilder.environment().put("DISPLAY", ":" + display);
            started.add(driverBuilder.start());
            ProcessTree processes = new ProcessTree(started);
            HttpClient http = HttpClient.newHttpClient();
            URI driver = URI.create("http://127.0.0.1:" + port + "/");
            awaitDriver(http, driver);
            JsonNode created = call(http, "POST", driver.resolve("session"), Map.of("capabilities", Map.of("alwaysMatch", Map.of(
                    "browserName", "MiniBrowser", "acceptInsecureCerts", true,
                    "webkitgtk:browserOptions", Map.of("binary", MINIBROWSER.toString(), "args", List.of("--automation"))))),
                    Duration.ofSeconds(30));
            URI session = driver.resolve("session/" + created.path("sessionId").asText() + "/");
            call(http, "POST", session.resolve("timeouts"), Map.of("script", SCRIPT_TIMEOUT.toMillis(), "pageLoad", 30_000),
                    Duration.ofSeconds(10));
            String window = call(http, "GET", session.resolve("window"), null, Duration.ofSeconds(10)).asText();
            return new WebDriverWebKit(processes, session, window);
        } catch (Exception e) {
            for (Process p : started) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            throw new IllegalStateException("WebKitWebDriver with " + MINIBROWSER + " under Xvfb did not start", e);
        }
    }

    private static void awaitDriver(HttpClient http, URI driver) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                call(http, "GET", driver.resolve("status"), null, Duration.ofSeconds(2));
                return;
            } catch (RuntimeException e) {
                if (System.nanoTime() > end) {
                    throw e;
                }
                Thread.sleep(20); // polling a starting process: nothing to wait on
            }
        }
    }

    /** One WebDriver command: its "value", or an exception with the error code and message. */
    static JsonNode call(HttpClient http, String method, URI uri, Object body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json");
        request.method(method, body == null && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(ScriptedPage.json(body == null ? Map.of() : body)));
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode value = ScriptedPage.JSON.readTree(response.body()).path("value");
            if (response.statusCode() != 200) {
                throw new IllegalStateException(method + " " + uri.getPath() + ": " + response.statusCode() + " "
                        + value.path("error").asText() + ": " + value.path("message").asText());
            }
            return value;
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + uri.getPath() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " " + uri.getPath() + ": interrupted", e);
        }
    }

    private JsonNode command(String method, String path, Object body, Duration timeout) {
        return call(http, method, session.resolve(path), body, timeout);
    }

    /** A command in a page's window: switches to it first. */
    private synchronized JsonNode inWindow(String window, String method, String path, Object body, Duration timeout) {
        if (!window.equals(currentWindow)) {
            command("POST", "window", Map.of("handle", window), Duration.ofSeconds(10));
            currentWindow = window;
        }
        return command(method, path, body, timeout);
    }

    @Override
    public BrowserKind kind() {
        return BrowserKind.WEBKIT;
    }

    @Override
    public synchronized TestPage newPage(int width, int height) {
        String window = inWindow(blankWindow, "POST", "window/new", Map.of("type", "window"), Duration.ofSeconds(10)).path("handle").asText();
        WebKitPage page = new WebKitPage(window);
        page.setViewport(width, height);
        return page;
    }

    @Override
    public void close() {
        try {
            call(http, "DELETE", session, null, Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            // killed below either way
        }
        processes.close();
    }

    /** A window of the one MiniBrowser. */
    final class WebKitPage extends ScriptedPage {
        private final String window;
        /** Errors of the documents this page has left. */
        private final List<String> earlierErrors = new ArrayList<>();

        WebKitPage(String window) {
            this.window = window;
        }

        /** Sizes the window so that the layout viewport is width x height (the window adds its own frame). */
        void setViewport(int width, int height) {
            for (int attempt = 0; attempt < 3; attempt++) {
                @SuppressWarnings("unchecked")
                List<Number> inner = (List<Number>) evaluate("() => [innerWidth, innerHeight]");
                int dw = width - inner.get(0).intValue();
                int dh = height - inner.get(1).intValue();
                if (dw == 0 && dh == 0) {
                    return;
                }
                JsonNode rect = inWindow(window, "GET", "window/rect", null, Duration.ofSeconds(10));
                inWindow(window, "POST", "window/rect", Map.of("width", rect.path("width").asInt() + dw,
                        "height", rect.path("height").asInt() + dh), Duration.ofSeconds(10));
            }
        }

        @Override
        public BrowserKind kind() {
            return BrowserKind.WEBKIT;
        }

        private void keepErrors() {
            try {
                earlierErrors.addAll(consoleErrorsOfDocument());
            } catch (RuntimeException e) {
                // a blank or broken document has none to give
            }
        }

        @SuppressWarnings("unchecked")
        private List<String> consoleErrorsOfDocument() {
            return (List<String>) evaluate("() => window.__pingscopeErrors || []");
        }

        @Override
        public void navigate(String url) {
            keepErrors();
            inWindow(window, "POST", "url", Map.of("url", url), DEFAULT_TIMEOUT.plusSeconds(5));
            evaluate(ERROR_HOOK);
        }

        @Override
        public void reload() {
            keepErrors();
            inWindow(window, "POST", "refresh", Map.of(), DEFAULT_TIMEOUT.plusSeconds(5));
            evaluate(ERROR_HOOK);
        }

        @Override
        String evaluateJson(String expression) {
            String script = "const done = arguments[arguments.length - 1];"
                    + " Promise.resolve().then(() => " + expression + ")"
                    + ".then((json) => done({ json }), (e) => done({ error: String((e && e.stack) || e) }));";
            JsonNode answer = inWindow(window, "POST", "execute/async", Map.of("script", script, "args", List.of()),
                    SCRIPT_TIMEOUT.plusSeconds(5));
            if (answer.has("error")) {
                throw new PageScriptException("WebKit: " + answer.path("error").asText());
            }
            return answer.path("json").asText();
        }

        @Override
        void performActions(List<Map<String, Object>> actions) {
            inWindow(window, "POST", "actions", Map.of("actions", actions), Duration.ofSeconds(10));
        }

        /** The viewport only: W3C WebDriver has no full-page screenshot. */
        @Override
        public byte[] screenshot(boolean fullPage) {
            return Base64.getDecoder().decode(inWindow(window, "GET", "screenshot", null, Duration.ofSeconds(20)).asText());
        }

        /**
         * Console errors since each navigation finished: the hook goes in once the document has loaded, so an error
         * thrown while it loads is missed (WebDriver has no console log to read).
         */
        @Override
        public List<String> consoleErrors() {
            List<String> all = new ArrayList<>(earlierErrors);
            all.addAll(consoleErrorsOfDocument());
            return all;
        }

        @Override
        public void close() {
            try {
                evaluate("() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* opaque origin */ } }");
            } catch (RuntimeException e) {
                // a page without a document has no storage to clear
            }
            synchronized (WebDriverWebKit.this) {
                inWindow(window, "DELETE", "window", null, Duration.ofSeconds(10));
                currentWindow = null;
            }
        }
    }
}
