package dev.pingscope.browser;

/**
 * One launched browser of a kind, shared by the test classes of a run ({@link InEveryBrowser}). Pages are cheap;
 * each starts with storage of its own where the browser allows it (see {@link #newPage()}). Every browser accepts
 * self-signed certificates, as the https servers of the tests and benchmarks have.
 */
public interface TestBrowser extends AutoCloseable {
    int DEFAULT_WIDTH = 1280;
    int DEFAULT_HEIGHT = 720;

    BrowserKind kind();

    /**
     * A new page with a 1280 x 720 viewport. Chromium gives it a new context and Firefox a new user context: no
     * cookies or storage from other pages. WebKitGTK's WebDriver has one session, so its pages share storage;
     * closing a WebKit page clears the local and session storage of the origin it is on.
     */
    default TestPage newPage() {
        return newPage(DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /** Ends the browser and its processes (a shared one: JUnit does, when the run ends). */
    @Override
    void close();

    /** A new page whose viewport (the layout's width and height, in CSS px) is this size. */
    TestPage newPage(int width, int height);
}
