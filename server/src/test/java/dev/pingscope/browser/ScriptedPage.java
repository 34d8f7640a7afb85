package dev.pingscope.browser;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The DOM helpers of a page whose protocol runs scripts and sends input but knows no selectors (WebDriver BiDi,
 * W3C WebDriver): each helper is a script, waits are polled inside the page (one round trip), clicks and keys go
 * through the protocol's input actions so that the page sees real pointer and keyboard events.
 */
abstract class ScriptedPage implements TestPage {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Playwright's notion of visible: a non-empty box and not visibility: hidden. */
    private static final String VISIBLE = "((e) => { const r = e.getBoundingClientRect();"
            + " return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; })";

    /**
     * Runs the JavaScript expression (it may give a promise) in the page and returns its value as JSON text:
     * "null" for undefined. A script that throws fails with {@link PageScriptException}.
     */
    abstract String evaluateJson(String expression);

    /** Performs W3C input actions (the same sources and actions in WebDriver and in BiDi). */
    abstract void performActions(List<Map<String, Object>> actions);

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON-able: " + value, e);
        }
    }

    /** The expression that calls a function source with a JSON argument, giving JSON text of its value. */
    static String jsonOfCall(String function, Object argument) {
        return "Promise.resolve((" + function + ")(" + (argument == null ? "undefined" : json(argument)) + "))"
                + ".then((v) => (v === undefined ? 'null' : JSON.stringify(v) ?? 'null'))";
    }

    @Override
    public Object evaluate(String function, Object argument) {
        String text = evaluateJson(jsonOfCall(function, argument));
        try {
            return JSON.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the page returned no JSON: " + text, e);
        }
    }

    /** Polls function(argument) in the page every 25 ms until it is truthy, and returns that value. */
    Object poll(String function, Object argument, Duration timeout, String what) {
        String poller = "async ([limit, what]) => { const f = (" + function + "); const end = Date.now() + limit;"
                + " for (;;) { const v = await f(" + (argument == null ? "undefined" : json(argument)) + ");"
                + " if (v) return v; if (Date.now() > end) throw new Error('timed out after ' + limit + ' ms waiting for ' + what);"
                + " await new Promise((r) => setTimeout(r, 25)); } }";
        return evaluate(poller, List.of(timeout.toMillis(), what));
    }

    @Override
    public void waitForFunction(String function, Object argument, Duration timeout) {
        poll(function, argument, timeout, function);
    }

    @Override
    public void waitForSelector(String selector, Duration timeout) {
        poll("(s) => { const e = document.querySelector(s); return !!e && " + VISIBLE + "(e); }", selector, timeout,
                "a visible " + selector);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> attached(String selector, String read) {
        return (Map<String, Object>) poll("(s) => { const e = document.querySelector(s); return e && { v: " + read + " }; }",
                selector, DEFAULT_TIMEOUT, selector);
    }

    @Override
    public String textContent(String selector) {
        return (String) attached(selector, "e.textContent").get("v");
    }

    @Override
    public String getAttribute(String selector, String name) {
        return (String) attached(selector, "e.getAttribute(" + json(name) + ")").get("v");
    }

    @Override
    public boolean isVisible(String selector) {
        return (Boolean) evaluate("(s) => { const e = document.querySelector(s); return !!e && " + VISIBLE + "(e); }", selector);
    }

    @Override
    public boolean isChecked(String selector) {
        return (Boolean) attached(selector, "e.checked").get("v");
    }

    @Override
    public int count(String selector) {
        return ((Number) evaluate("(s) => document.querySelectorAll(s).length", selector)).intValue();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void click(String selector) {
        waitForSelector(selector, DEFAULT_TIMEOUT);
        List<Number> centre = (List<Number>) evaluate("(s) => { const e = document.querySelector(s);"
                + " e.scrollIntoView({ block: 'center', inline: 'center' }); const r = e.getBoundingClientRect();"
                + " return [Math.floor(r.left + r.width / 2), Math.floor(r.top + r.height / 2)]; }", selector);
        performActions(List.of(Map.of("type", "pointer", "id", "mouse", "parameters", Map.of("pointerType", "mouse"),
                "actions", List.of(
                        Map.of("type", "pointerMove", "x", centre.get(0).intValue(), "y", centre.get(1).intValue(),
                                "origin", "viewport", "duration", 0),
                        Map.of("type", "pointerDown", "button", 0),
                        Map.of("type", "pointerUp", "button", 0)))));
    }

    private void setValue(String selector, String value) {
        attached(selector, "true");
        evaluate("([s, v]) => { const e = document.querySelector(s); e.focus(); e.value = v;"
                + " e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); }",
                List.of(selector, value));
    }

    @Override
    public void fill(String selector, String value) {
        setValue(selector, value);
    }

    @Override
    public void selectOption(String selector, String value) {
        setValue(selector, value);
    }

    /** WebDriver's key codes for the keys the tests press. */
    private static final Map<String, String> KEYS = Map.of("Tab", "\uE004", "Enter", "\uE007", "Space", "\uE00D");

    @Override
    public void press(String key) {
        String value = KEYS.get(key);
        if (value == null) {
            throw new IllegalArgumentException("no WebDriver key code for " + key + " (known: " + KEYS.keySet() + ")");
        }
        performActions(List.of(Map.of("type", "key", "id", "keyboard", "actions", List.of(
                Map.of("type", "keyDown", "value", value), Map.of("type", "keyUp", "value", value)))));
    }

    /** A script in the page threw (or the page went away under it). */
    static final class PageScriptException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PageScriptException(String message) {
            super(message);
        }
    }
}
