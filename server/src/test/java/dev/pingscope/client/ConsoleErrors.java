package dev.pingscope.client;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every console error and uncaught exception of a page, so a test can assert there were none. */
final class ConsoleErrors {
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private ConsoleErrors() {}

    static ConsoleErrors of(Page page) {
        ConsoleErrors collected = new ConsoleErrors();
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                collected.errors.add(message.text() + " at " + message.location());
            }
        });
        page.onPageError(error -> collected.errors.add("uncaught: " + error));
        return collected;
    }

    List<String> list() {
        return List.copyOf(errors);
    }
}
