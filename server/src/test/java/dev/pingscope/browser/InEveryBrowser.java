package dev.pingscope.browser;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A test run once per browser (Chromium, Firefox, WebKit; -Dpingscope.browsers picks fewer), named
 * "[firefox]" (reports: "method(TestBrowser) [firefox]"), so that a failure says which. The method takes a {@link TestBrowser}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{0}]")
@ArgumentsSource(EveryBrowser.class)
public @interface InEveryBrowser {}
