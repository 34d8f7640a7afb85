package dev.pingscope.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pingscope.TestServer;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A well-behaved client (the JDK's WebSocket, which answers PINGs) connected before the abuse starts;
 * tests check after each case that it still gets its echoes.
 */
final class Bystander implements AutoCloseable {
    private final BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    Bystander(TestServer ts, int addressSuffix) throws java.io.IOException {
        try {
            ws = ts.http.newWebSocketBuilder().header("X-Forwarded-For", "192.0.2." + addressSuffix)
                    .buildAsync(ts.wsUri(), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            if (!data.toString().startsWith("{\"type\":")) {
                                echoes.add(data.toString());
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new java.io.IOException("bystander could not connect", e);
        }
    }

    void assertEchoes() throws Exception {
        String probe = "e-bystander-" + System.nanoTime();
        ws.sendText(probe, true).get(5, TimeUnit.SECONDS);
        assertEquals(probe, echoes.poll(5, TimeUnit.SECONDS), "the bystander still gets its echo");
    }

    @Override
    public void close() {
        ws.abort();
    }
}
