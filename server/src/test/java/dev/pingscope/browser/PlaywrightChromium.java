package dev.pingscope.browser;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.pingscope.Browsers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Chromium through Playwright ({@link Browsers} finds it); each page in a context of its own. */
public final class PlaywrightChromium implements TestBrowser {
    private final Playwright playwright;
    private final Browser browser;

    private PlaywrightChromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static PlaywrightChromium launch() {
        Playwright playwright = Browsers.playwright();
        return new PlaywrightChromium(playwright, Browsers.chromium(playwright));
    }

    /** The Playwright browser, for the tests that need what only Playwright has (routes, request events, contexts). */
    public Browser playwrightBrowser() {
        return browser;
    }

    @Override
    public BrowserKind kind() {
        return BrowserKind.CHROMIUM;
    }

    @Override
    public TestPage newPage(int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height)
                .setIgnoreHTTPSErrors(true));
        return new PlaywrightPage(context.newPage());
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }

    /** A page a Chromium-only test set up with Playwright (a route, a context option), for the shared helpers. */
    public static TestPage wrap(Page page) {
        return new PlaywrightPage(page);
    }

    /** A Playwright page: every call is Playwright's own; close() closes its context. */
    public static final class PlaywrightPage implements TestPage {
        private final Page page;
        private final List<String> errors = new CopyOnWriteArrayList<>();

        PlaywrightPage(Page page) {
            this.page = page;
            page.onConsoleMessage(message -> {
                if (message.type().equals("error")) {
                    errors.add(message.text() + " at " + message.location());
                }
            });
            page.onPageError(error -> errors.add("uncaught: " + error));
        }

        /** The Playwright page underneath, for Chromium-only steps (request events, routes). */
        public Page playwrightPage() {
            return page;
        }

        @Override
        public BrowserKind kind() {
            return BrowserKind.CHROMIUM;
        }

        @Override
        public void navigate(String url) {
            page.navigate(url);
        }

        @Override
        public void reload() {
            page.reload();
        }

        @Override
        public Object evaluate(String function, Object argument) {
            return page.evaluate(function, argument);
        }

        @Override
        public void waitForFunction(String function, Object argument, Duration timeout) {
            page.waitForFunction(function, argument, new Page.WaitForFunctionOptions().setTimeout((double) timeout.toMillis()));
        }

        @Override
        public void waitForSelector(String selector, Duration timeout) {
            page.waitForSelector(selector, new Page.WaitForSelectorOptions().setTimeout((double) timeout.toMillis()));
        }

        @Override
        public String textContent(String selector) {
            return page.textContent(selector);
        }

        @Override
        public String getAttribute(String selector, String name) {
            return page.getAttribute(selector, name);
        }

        @Override
        public boolean isVisible(String selector) {
            return page.isVisible(selector);
        }

        @Override
        public boolean isChecked(String selector) {
            return page.isChecked(selector);
        }

        @Override
        public int count(String selector) {
            return page.locator(selector).count();
        }

        @Override
        public void click(String selector) {
            page.click(selector);
        }

        @Override
        public void fill(String selector, String value) {
            page.fill(selector, value);
        }

        @Override
        public void selectOption(String selector, String value) {
            page.selectOption(selector, value);
        }

        @Override
        public void press(String key) {
            page.keyboard().press(key);
        }

        @Override
        public byte[] screenshot(boolean fullPage) {
            return page.screenshot(new Page.ScreenshotOptions().setFullPage(fullPage));
        }

        @Override
        public List<String> consoleErrors() {
            return List.copyOf(errors);
        }

        @Override
        public void close() {
            page.context().close();
        }
    }
}
