package dev.pingscope.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pingscope.ping.PingHandler;
import dev.pingscope.tcpinfo.WebSocketCarriers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.junit.jupiter.api.Test;

/**
 * PoolHandoff makes the server non-blocking to Jetty, so that /ping in front of it runs where the request was
 * read, while whatever stands behind it (which may block) runs on another thread of the pool.
 */
class PoolHandoffTest {
    /** A handler that may block, as Javalin's servlet does; answers / and records its thread, leaves the rest. */
    static final class BlockingBehind extends Handler.Abstract {
        final AtomicReference<Thread> thread = new AtomicReference<>();

        BlockingBehind() {
            super(InvocationType.BLOCKING);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            if (!"/".equals(request.getHttpURI().getPath())) {
                return false;
            }
            thread.set(Thread.currentThread());
            response.setStatus(200);
            callback.succeeded();
            return true;
        }
    }

    /** Records the thread the handlers in front run on. */
    static final class Front extends Handler.Wrapper {
        final AtomicReference<Thread> thread = new AtomicReference<>();

        Front(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            thread.set(Thread.currentThread());
            return super.handle(request, response, callback);
        }
    }

    @Test
    void the_ping_handler_is_non_blocking_with_the_handoff_behind_it_and_blocking_without() {
        OriginPolicy any = new OriginPolicy(List.of("*"));
        assertEquals(InvocationType.NON_BLOCKING, new PingHandler("t", any, new ClientAddress(TrustedProxies.NONE), us -> {}, new WebSocketCarriers(), new PoolHandoff(new BlockingBehind())).getInvocationType());
        assertEquals(InvocationType.BLOCKING, new PingHandler("t", any, new ClientAddress(TrustedProxies.NONE), us -> {}, new WebSocketCarriers(), new BlockingBehind()).getInvocationType());
    }

    @Test
    void what_stands_behind_runs_on_another_thread_and_a_request_nobody_takes_gets_404() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        BlockingBehind behind = new BlockingBehind();
        Front front = new Front(new PoolHandoff(behind));
        server.setHandler(front);
        server.start();
        try {
            assertEquals(InvocationType.NON_BLOCKING, server.getInvocationType());
            HttpClient client = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertTrue(front.thread.get() != null && behind.thread.get() != null);
            assertNotEquals(front.thread.get(), behind.thread.get(), "handed off to another thread");
            assertEquals(404, client.send(HttpRequest.newBuilder(base.resolve("/none")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        } finally {
            server.stop();
        }
    }
}
