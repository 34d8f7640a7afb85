package dev.pingscope.servers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pingscope.http.ApiCors;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code GET /api/servers}: this instance's region and the servers of {@code --servers}, in file order, for
 * pages on any origin ({@code Access-Control-Allow-Origin: *}: the list is public and carries no
 * credentials). The list never changes while the server runs, so its JSON is written once, at start.
 *
 * <pre>{@code
 * {"region": "eu", "servers": [{"name": "Frankfurt", "region": "eu", "url": "https://eu.example/"}]}
 * }</pre>
 */
public final class ServersApi {
    public static final String PATH = "/api/servers";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final byte[] body;

    /**
     * @param region  this instance's region
     * @param servers the listed servers, already checked
     */
    public ServersApi(String region, List<ListedServer> servers) {
        try {
            this.body = JSON.writeValueAsBytes(new Answer(region, servers));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the server list", e);
        }
    }

    /** What the endpoint answers. */
    record Answer(String region, List<ListedServer> servers) {}

    public void routes(JavalinConfig c) {
        c.routes.get(PATH, this::list);
        c.routes.options(PATH, ApiCors.publicPreflight());
    }

    private void list(Context ctx) {
        ApiCors.allowAnyOrigin(ctx);
        // Revalidated each time: a restart with another list shows at once, and the answer is small.
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType("application/json");
        ctx.result(body);
    }
}
