package dev.pingscope.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket probe client, as the page is: it echoes its own messages and records the server's messages.
 * The JDK answers the server's PINGs by itself.
 */
final class EchoClient implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The instance named by each hello message (a connection must get exactly one). */
    final List<String> helloInstances = new CopyOnWriteArrayList<>();
    /** The seq of each ping_rtt message, in order of arrival. */
    final List<Long> pingRttSeqs = new CopyOnWriteArrayList<>();
    final AtomicInteger pingsLost = new AtomicInteger();
    private final BlockingQueue<String> echoes = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    static EchoClient connect(HttpClient http, URI uri) throws Exception {
        EchoClient client = new EchoClient();
        client.socket = http.newWebSocketBuilder().buildAsync(uri, client).get(5, TimeUnit.SECONDS);
        return client;
    }

    /** Polls until the hello arrived. */
    String awaitHello(Duration deadline) {
        TestServer.poll("the hello message", deadline).until(() -> !helloInstances.isEmpty());
        return helloInstances.get(0);
    }

    /** Sends one echo message and waits for it to come back: the round trip in milliseconds. */
    double echo(String payload) throws Exception {
        long sent = System.nanoTime();
        socket.sendText(payload, true).get(5, TimeUnit.SECONDS);
        String back = echoes.poll(5, TimeUnit.SECONDS);
        if (!payload.equals(back)) {
            throw new AssertionError("sent " + payload + ", got back " + back);
        }
        return (System.nanoTime() - sent) / 1e6;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            onMessage(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    private void onMessage(String message) {
        if (!message.startsWith("{\"type\":")) {
            echoes.add(message);
            return;
        }
        try {
            JsonNode m = JSON.readTree(message);
            switch (m.get("type").asText()) {
                case "hello" -> helloInstances.add(m.get("instance").asText());
                case "ping_rtt" -> pingRttSeqs.add(m.get("seq").asLong());
                case "ping_lost" -> pingsLost.incrementAndGet();
                default -> { }
            }
        } catch (Exception e) {
            throw new IllegalStateException("unreadable server message " + message, e);
        }
    }

    @Override
    public void close() {
        socket.abort();
    }
}
