package dev.pingscope.client;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Playwright;
import dev.pingscope.Browsers;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Chromium for every browser test class of a run: launching takes seconds, a new page (each in a
 * fresh context: no shared cookies or cache) milliseconds. A class declares
 * {@code @ExtendWith(SharedBrowser.class)} and takes a {@link Browser} parameter in its {@code @BeforeAll};
 * JUnit closes the browser when the whole run ends.
 */
final class SharedBrowser implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedBrowser.class);

    /** Playwright and its browser, closed together. */
    private record Launched(Playwright playwright, Browser browser) implements AutoCloseable {
        static Launched launch() {
            Playwright playwright = Browsers.playwright();
            return new Launched(playwright, Browsers.chromium(playwright));
        }

        @Override
        public void close() {
            browser.close();
            playwright.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Browser.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(Launched.class, key -> Launched.launch(), Launched.class)
                .browser();
    }
}
