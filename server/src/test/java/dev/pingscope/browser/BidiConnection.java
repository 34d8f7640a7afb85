package dev.pingscope.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** A WebDriver BiDi session's WebSocket: commands by id, each answered by a result or an error; events to listeners. */
final class BidiConnection implements WebSocket.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<Consumer<JsonNode>> eventListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final StringBuilder partial = new StringBuilder();
    private final HttpClient http = HttpClient.newHttpClient();
    private WebSocket socket;

    static BidiConnection open(URI uri) {
        BidiConnection connection = new BidiConnection();
        connection.socket = connection.http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, connection).join();
        return connection;
    }

    /** Events ("method" and "params"), on the WebSocket's thread: listeners must not block. */
    void onEvent(Consumer<JsonNode> listener) {
        eventListeners.add(listener);
    }

    /** Sends a command and returns its result; a BiDi error fails with its error code and message. */
    JsonNode send(String method, Map<String, Object> params, Duration timeout) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        synchronized (this) {
            socket.sendText(command.toString(), true).join();
        }
        try {
            JsonNode message = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message.has("error")) {
                throw new IllegalStateException(method + ": " + message.path("error").asText() + ": " + message.path("message").asText());
            }
            return message.path("result");
        } catch (TimeoutException e) {
            throw new IllegalStateException(method + ": no answer within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(method + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + ": interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    JsonNode send(String method, Map<String, Object> params) {
        return send(method, params, Duration.ofSeconds(30));
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            dispatch(text);
        }
        webSocket.request(1);
        return null;
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        if (message.has("id") && !message.get("id").isNull()) {
            CompletableFuture<JsonNode> answer = pending.get(message.get("id").asLong());
            if (answer != null) {
                answer.complete(message);
            }
        } else if ("event".equals(message.path("type").asText())) {
            for (Consumer<JsonNode> listener : eventListeners) {
                listener.accept(message);
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        failAll(new IOException("BiDi connection closed: " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        failAll(error);
    }

    private void failAll(Throwable error) {
        pending.values().forEach(answer -> answer.completeExceptionally(error));
    }

    @Override
    public void close() {
        socket.abort();
    }
}
