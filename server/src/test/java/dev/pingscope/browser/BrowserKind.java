package dev.pingscope.browser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The browsers the tests run in, each through the protocol it speaks here. */
public enum BrowserKind {
    /** Debian's Chromium through Playwright. */
    CHROMIUM,
    /** Debian's Firefox ESR, headless, over WebDriver BiDi. */
    FIREFOX,
    /** WebKitGTK's MiniBrowser under Xvfb, over W3C WebDriver (WebKitWebDriver). */
    WEBKIT;

    /** "firefox": what a test's name shows, and what -Dpingscope.browsers lists. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return label();
    }

    /**
     * The browsers a run tests in: all three, or those named by -Dpingscope.browsers (e.g. "chromium,webkit"),
     * for a quick run on a machine that lacks one.
     */
    public static List<BrowserKind> selected() {
        String names = System.getProperty("pingscope.browsers", "");
        if (names.isBlank()) {
            return List.of(values());
        }
        List<BrowserKind> kinds = new ArrayList<>();
        for (BrowserKind kind : values()) {
            if (("," + names.replace(" ", "") + ",").contains("," + kind.label() + ",")) {
                kinds.add(kind);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("-Dpingscope.browsers=" + names + " names none of chromium, firefox, webkit");
        }
        return kinds;
    }
}
