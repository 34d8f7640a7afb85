package dev.pingscope.browser;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * The arguments of {@link InEveryBrowser}: one {@link TestBrowser} per selected kind, named by its kind. Each is
 * launched (or taken from the run's store) only when its invocation runs, so a browser that fails to start fails
 * its own invocations, not the others'.
 */
final class EveryBrowser implements ArgumentsProvider {
    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        return BrowserKind.selected().stream().map(kind -> Arguments.of(Named.of(kind.label(), new Lazy(kind, context))));
    }

    /** A browser that launches (through {@link SharedBrowsers}) on first use. */
    private record Lazy(BrowserKind kind, ExtensionContext context) implements TestBrowser {
        @Override
        public TestPage newPage(int width, int height) {
            return SharedBrowsers.get(context, kind).newPage(width, height);
        }

        /** The shared browser outlives the test: JUnit closes it when the run ends. */
        @Override
        public void close() {}

        @Override
        public String toString() {
            return kind.label();
        }
    }
}
