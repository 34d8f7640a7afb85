package dev.pingscope.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerMessageTest {
    @Test
    void the_protocols_messages_are_read_and_anything_else_is_not_mistaken_for_them() {
        ServerMessage hello = ServerMessage.parse(
                "{\"type\":\"hello\",\"protocol\":1,\"instance\":\"web-1\",\"ping_interval_ms\":1000,\"ping_timeout_ms\":5000}");
        assertTrue(hello.isHello());
        assertEquals("web-1", hello.instance());

        ServerMessage rtt = ServerMessage.parse("{\"seq\":3,\"rtt_ms\":0.412,\"type\":\"ping_rtt\"}");
        assertTrue(rtt.isPingRtt());
        assertEquals(412_000, rtt.rttNanos());

        ServerMessage lost = ServerMessage.parse("{\"type\":\"ping_lost\",\"seq\":7}");
        assertTrue(lost.isPingLost());
        assertEquals(7, lost.seq());

        ServerMessage later = ServerMessage.parse("{\"type\":\"goodbye\",\"rtt_ms\":1}");
        assertFalse(later.isHello() || later.isPingRtt() || later.isPingLost(), "a later type is ignored");
        assertNull(ServerMessage.parse("e0-17"), "a late echo");
        assertNull(ServerMessage.parse("{\"type\":\"ping_rtt\",\"rtt_ms\":"), "truncated");
    }
}
