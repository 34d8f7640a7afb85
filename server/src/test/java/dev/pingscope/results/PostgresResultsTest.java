package dev.pingscope.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestServer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The results contract on PostgreSQL 15 (one cluster for the class, a database per test), and what sharing it gives. */
class PostgresResultsTest extends ResultsContractTest {
    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    List<String> storageOptions(Path dir) {
        return List.of("--database-url", postgres.newDatabase(), "--database-user", TestPostgres.USER, "--data-dir", dir.toString());
    }

    @Override
    String[] jdbc(ResultsSettings storage) {
        return new String[] {storage.databaseUrl(), TestPostgres.USER, ""};
    }

    @Test
    void a_result_saved_through_one_instance_reads_back_through_another() throws Exception {
        TestServer one = server();
        TestServer two = server();
        assertTrue(one.server.port() != two.server.port());
        JsonNode ack = saved(one, payload("browser", 12.5, 13.5));
        String id = ack.get("id").asText();
        HttpResponse<String> there = two.get("/api/results/" + id);
        assertEquals(200, there.statusCode(), there.body());
        assertEquals(2, JSON.readTree(there.body()).at("/probes/http_head/idle/count").asLong());
        assertEquals(200, two.get("/r/" + id).statusCode());
        HttpResponse<String> deleted = two.send(HttpRequest.newBuilder(two.uri("/api/results/" + id))
                .header("X-Delete-Token", ack.get("deleteToken").asText()).DELETE());
        assertEquals(204, deleted.statusCode(), "the token works on any instance");
        assertEquals(404, one.get("/api/results/" + id).statusCode());
    }

    @Test
    void with_the_database_down_saving_answers_503_and_probing_goes_on() throws Exception {
        TestServer s = server();
        String before = saved(s, payload("browser", 10)).get("id").asText();
        postgres.stopServer();
        try {
            long start = System.nanoTime();
            HttpResponse<String> refused = save(s, payload("browser", 10).toString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertEquals("storage_unavailable", JSON.readTree(refused.body()).get("error").asText());
            assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) >= 1);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "answered within the pool's timeout");
            assertEquals(503, s.get("/api/results/" + before).statusCode());

            HttpResponse<Void> ping = s.http.send(HttpRequest.newBuilder(s.uri("/ping"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(204, ping.statusCode());
            CompletableFuture<String> echo = new CompletableFuture<>();
            WebSocket ws = s.http.newWebSocketBuilder().buildAsync(s.wsUri(), new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                    if (data.toString().equals("e1")) {
                        echo.complete(data.toString());
                    }
                    socket.request(1);
                    return null;
                }
            }).get(5, TimeUnit.SECONDS);
            ws.sendText("e1", true).get(5, TimeUnit.SECONDS);
            assertEquals("e1", echo.get(5, TimeUnit.SECONDS), "the WebSocket echo answers");
            ws.abort();
        } finally {
            postgres.startServer();
        }
        TestServer.await("saving works again", Duration.ofSeconds(20),
                () -> save(s, payload("browser", 10).toString()).statusCode() == 201);
        assertEquals(200, s.get("/api/results/" + before).statusCode(), "nothing was lost");
    }
}
