package dev.pingscope.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/** The measurement page and the snippet, served from the web module's classpath resources under /public. */
public final class PageFiles {
    private PageFiles() {}

    public static void serve(JavalinConfig c) {
        c.staticFiles.add(sf -> {
            sf.hostedPath = "/";
            sf.directory = "/public";
            sf.location = Location.CLASSPATH;
            // Cross-origin isolation gives the page precise performance.now(); CORP lets other sites embed the script.
            sf.headers = Map.of(
                    "Cross-Origin-Opener-Policy", "same-origin",
                    "Cross-Origin-Embedder-Policy", "require-corp",
                    "Cross-Origin-Resource-Policy", "cross-origin",
                    "Access-Control-Allow-Origin", "*",
                    "Cache-Control", "no-cache");
        });
    }
}
