package dev.pingscope.browser;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A browser's processes (the launched one and everything it started: content processes, MiniBrowser under
 * WebKitWebDriver), killed together on close and, should the test JVM end without closing, by a shutdown hook.
 */
final class ProcessTree implements AutoCloseable {
    private final List<Process> roots;
    private final Thread hook;

    ProcessTree(List<Process> roots) {
        this.roots = List.copyOf(roots);
        this.hook = new Thread(this::kill, "kill browser processes");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Kills the children first (they would otherwise be left to init), then the roots, and waits for them. */
    private void kill() {
        for (Process root : roots) {
            root.descendants().forEach(ProcessHandle::destroyForcibly);
            root.destroyForcibly();
        }
        for (Process root : roots) {
            try {
                root.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs (harmlessly) once more
        }
    }
}
