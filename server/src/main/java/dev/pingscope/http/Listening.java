package dev.pingscope.http;

import io.javalin.config.JavalinConfig;

/** Where a Javalin app listens, and what every one of ours has in common: no banner, no Server header. */
public final class Listening {
    private Listening() {}

    public static void on(JavalinConfig c, String host, int port) {
        c.startup.showJavalinBanner = false;
        c.startup.showOldJavalinVersionWarning = false;
        c.jetty.host = host;
        c.jetty.port = port;
        c.jetty.modifyHttpConfiguration(http -> http.setSendServerVersion(false));
    }
}
