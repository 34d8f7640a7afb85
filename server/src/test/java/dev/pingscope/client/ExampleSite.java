package dev.pingscope.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pingscope.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Another site that embeds pingscope: serves web/examples from a JDK HttpServer (or HttpsServer) on its own
 * port, so the snippet runs on a page of another origin. The examples name http://localhost:7070
 * (pingscope's default address); the site substitutes the test server's address. "/" is a blank page.
 */
final class ExampleSite {
    static final String EXAMPLE_SERVER = "http://localhost:7070";

    private ExampleSite() {}

    /** Serves the examples on {@code site}, pointing them at {@code pingscope} (scheme, host and port). */
    static void serve(HttpServer site, String pingscope) {
        Path examples = Repository.root().resolve("web/examples");
        site.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/favicon.ico")) {
                exchange.sendResponseHeaders(204, -1); // browsers ask for it; a 404 would be logged as a console error
                exchange.close();
                return;
            }
            if (path.equals("/")) {
                html(exchange, "<!doctype html><title>another site</title>");
                return;
            }
            Path file = examples.resolve(path.substring(1)).normalize();
            if (!file.startsWith(examples) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            html(exchange, Files.readString(file).replace(EXAMPLE_SERVER, pingscope));
        });
        site.start();
    }

    private static void html(HttpExchange exchange, String page) throws IOException {
        byte[] body = page.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
