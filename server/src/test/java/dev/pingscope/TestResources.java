package dev.pingscope;

/**
 * What test classes share when they run in parallel (the server pom runs classes concurrently, methods of one
 * class one after another): each name is a JUnit {@code @ResourceLock}, held by the classes that use it. Tests
 * whose figures a busy neighbour would move (timings, allocation, pauses) are {@code @Isolated} instead.
 */
public final class TestResources {
    /**
     * A browser running: the run's shared ones (client/SharedBrowser; Playwright is not thread-safe) or a class's
     * own (a browser keeps both cores busy, and two at once move each other's timings): one class at a time.
     */
    public static final String SHARED_BROWSERS = "pingscope.shared-browsers";
    /**
     * Load on a network path (rate limits, namespaces, goodput on loopback) whose goodput, responsiveness or
     * RTTs a test checks: one such test at a time.
     */
    public static final String BANDWIDTH = "pingscope.bandwidth";
    /** ResultCard.DRAWINGS, a JVM-wide count of drawn cards that a test reads before and after. */
    public static final String RESULT_CARDS = "pingscope.result-cards";

    private TestResources() {}
}
