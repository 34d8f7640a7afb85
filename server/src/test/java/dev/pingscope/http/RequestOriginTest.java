package dev.pingscope.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a trusted proxy's X-Forwarded-Host may be: a host and an optional port, nothing that changes a URL's shape. */
class RequestOriginTest {
    @ParameterizedTest
    @ValueSource(strings = {"pingscope.example", "pingscope.example:8443", "PING-scope.example.", "localhost", "203.0.113.9",
        "203.0.113.9:80", "[2001:db8::1]", "[2001:db8::1]:443", "a.b.c.d.e", "xn--bcher-kva.example"})
    void a_host_and_port_is_accepted(String host) {
        assertTrue(RequestOrigin.isHostAndPort(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "evil.example/x", "user@evil.example", "evil.example x", "evil.example:", "evil.example:99999",
        "evil.example:80:80", "-evil.example", "evil..example", "[not-ipv6]", "[2001:db8::1", "2001:db8::1", "evil.example\r\nX: y",
        "evil.example?x", "evil.example#x", "evil_example", "a\u00e9.example", "[::1]x"})
    void anything_else_falls_back_to_the_requests_own_host(String host) {
        assertFalse(RequestOrigin.isHostAndPort(host), host);
    }
}
