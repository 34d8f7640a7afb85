package dev.pingscope.browser;

import java.time.Duration;
import java.util.List;

/**
 * A page in any of the test browsers. Scripts are JavaScript function sources ("(arg) => ..."), called with one
 * argument made of JSON-able Java values; what they return (after awaiting a promise) comes back as Playwright
 * gives it: Map, List, Number, String, Boolean or null. Selectors are plain CSS (no Playwright-only
 * pseudo-classes such as :text-is), so that each browser reads them the same way.
 */
public interface TestPage extends AutoCloseable {
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    BrowserKind kind();

    /** Loads url and returns once its load event has fired. */
    void navigate(String url);

    void reload();

    Object evaluate(String function, Object argument);

    default Object evaluate(String function) {
        return evaluate(function, null);
    }

    /** Waits until function(argument) is truthy (a promise is awaited), polled in the page. */
    void waitForFunction(String function, Object argument, Duration timeout);

    default void waitForFunction(String function) {
        waitForFunction(function, null, DEFAULT_TIMEOUT);
    }

    /** Waits until an element matches selector and is visible (a non-empty box, not visibility: hidden). */
    void waitForSelector(String selector, Duration timeout);

    default void waitForSelector(String selector) {
        waitForSelector(selector, DEFAULT_TIMEOUT);
    }

    /** The text of the first element matching selector, once there is one. */
    String textContent(String selector);

    /** The attribute of the first element matching selector, once there is one (null when it lacks it). */
    String getAttribute(String selector, String name);

    /** Whether an element matches selector and is visible now (no waiting). */
    boolean isVisible(String selector);

    boolean isChecked(String selector);

    /** How many elements match selector now. */
    int count(String selector);

    /** A real click (the browser's pointer input) at the centre of the element, once it is visible. */
    void click(String selector);

    /** Focuses the input, sets its value and fires input and change, as typing into it would. */
    void fill(String selector, String value);

    /** Chooses the option of a select by value and fires input and change. */
    void selectOption(String selector, String value);

    /** A key press (down and up) through the browser's keyboard input: "Tab", "Enter" or "Space". */
    void press(String key);

    /** A PNG of the viewport, or of the whole document where the browser can (Chromium and Firefox). */
    byte[] screenshot(boolean fullPage);

    /** Console errors and uncaught exceptions so far, as "text" lines. */
    List<String> consoleErrors();

    @Override
    void close();
}
