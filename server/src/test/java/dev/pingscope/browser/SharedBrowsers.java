package dev.pingscope.browser;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One launched browser per kind for the whole test run, kept in JUnit's root store (so JUnit closes it when the
 * run ends), launched the first time a test asks for it.
 */
public final class SharedBrowsers {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBrowsers.class);

    private SharedBrowsers() {}

    /** The run's browser of this kind, launched now if no test has used it yet. */
    public static TestBrowser get(ExtensionContext context, BrowserKind kind) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(kind, k -> launch(kind), TestBrowser.class);
    }

    /** The run's Chromium with its Playwright API, for Chromium-only tests. */
    public static PlaywrightChromium chromium(ExtensionContext context) {
        return (PlaywrightChromium) get(context, BrowserKind.CHROMIUM);
    }

    private static TestBrowser launch(BrowserKind kind) {
        long start = System.nanoTime();
        Supplier<TestBrowser> launcher = switch (kind) {
            case CHROMIUM -> PlaywrightChromium::launch;
            case FIREFOX -> BidiFirefox::launch;
            case WEBKIT -> WebDriverWebKit::launch;
        };
        TestBrowser browser = launcher.get();
        System.out.printf("launched %s in %d ms%n", kind, (System.nanoTime() - start) / 1_000_000);
        return browser;
    }
}
