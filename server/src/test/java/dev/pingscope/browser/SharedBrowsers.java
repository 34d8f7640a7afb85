package dev.pingscope.browser;

import dev.pingscope.TestResources;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * One launched browser per kind for the whole test run, kept in JUnit's root store (so JUnit closes it when the
 * run ends), launched the first time a test asks for it. Chromium is one per test thread: Playwright expects every
 * call on the thread that created it, and JUnit's two threads take the browser classes in turn.
 */
public final class SharedBrowsers {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBrowsers.class);

    private SharedBrowsers() {}

    /** The run's browser of this kind, launched now if no test has used it yet. */
    public static TestBrowser get(ExtensionContext context, BrowserKind kind) {
        requireLock(context.getRequiredTestClass());
        Object key = kind == BrowserKind.CHROMIUM ? List.of(kind, Thread.currentThread()) : kind;
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(key, k -> launch(kind), TestBrowser.class);
    }

    /** The run's Chromium with its Playwright API, for Chromium-only tests. */
    public static PlaywrightChromium chromium(ExtensionContext context) {
        return (PlaywrightChromium) get(context, BrowserKind.CHROMIUM);
    }

    /** A browser of this kind of its own, outside JUnit (a benchmark): the caller closes it. */
    public static TestBrowser launchAlone(BrowserKind kind) {
        return launch(kind);
    }

    /**
     * Test classes run in parallel, and Playwright (like one WebDriver session) takes one caller at a time: a class
     * that uses the shared browsers holds their lock, or runs alone.
     */
    private static void requireLock(Class<?> test) {
        boolean locked = test.isAnnotationPresent(Isolated.class) || Arrays.stream(test.getAnnotationsByType(ResourceLock.class))
                .anyMatch(lock -> lock.value().equals(TestResources.SHARED_BROWSERS));
        if (!locked) {
            throw new IllegalStateException(test.getName() + " uses the run's shared browsers: declare"
                    + " @ResourceLock(TestResources.SHARED_BROWSERS) on it (or @Isolated)");
        }
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
