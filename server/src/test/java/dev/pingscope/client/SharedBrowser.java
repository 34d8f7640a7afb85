package dev.pingscope.client;

import com.microsoft.playwright.Browser;
import dev.pingscope.browser.SharedBrowsers;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The run's one Chromium (the same that {@link dev.pingscope.browser.InEveryBrowser} tests use) as a Playwright
 * {@link Browser}, for Chromium-only tests: a class declares {@code @ExtendWith(SharedBrowser.class)} and takes a
 * {@link Browser} parameter in its {@code @BeforeAll}; JUnit closes the browser when the whole run ends.
 */
final class SharedBrowser implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Browser.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedBrowsers.chromium(context).playwrightBrowser();
    }
}
