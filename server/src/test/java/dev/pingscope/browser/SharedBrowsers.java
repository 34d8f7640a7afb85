package dev.pingscope.browser;

import dev.pingscope.TestResources;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The launched browsers: Firefox and WebKit one each for the whole test run, kept in JUnit's root store (so JUnit
 * closes them when the run ends), launched the first time a test asks for them. Chromium is one per test class,
 * in the class's store (closed when the class ends): Playwright expects every call on the thread that created it,
 * JUnit runs a class on one thread, and its two threads take the browser classes in turn. A launch costs 0.5-2 s.
 */
public final class SharedBrowsers {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBrowsers.class);

    private SharedBrowsers() {}

    /** The browser of this kind for the calling test, launched now if none is open for it yet. */
    public static TestBrowser get(ExtensionContext context, BrowserKind kind) {
        requireLock(context.getRequiredTestClass());
        ExtensionContext owner = kind == BrowserKind.CHROMIUM ? classContext(context) : context.getRoot();
        return owner.getStore(NAMESPACE).computeIfAbsent(kind, k -> launch(kind), TestBrowser.class);
    }

    /** The context of the test class itself (a method's or an invocation's is below it). */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (!(c.getElement().orElse(null) instanceof Class<?>) && c.getParent().isPresent()) {
            c = c.getParent().get();
        }
        return c;
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
