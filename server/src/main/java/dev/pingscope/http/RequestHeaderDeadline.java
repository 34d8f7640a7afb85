package dev.pingscope.http;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Closes an HTTP/1.1 connection that has not completed its first request head within the deadline: a
 * slowloris client sending its headers a byte at a time would otherwise reset Jetty's idle timeout with
 * every byte and hold the connection for ever.
 */
public final class RequestHeaderDeadline implements Connection.Listener, AutoCloseable {
    private final long deadlineMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pingscope-header-deadline");
        t.setDaemon(true);
        return t;
    });

    public RequestHeaderDeadline(Duration deadline) {
        this.deadlineMillis = deadline.toMillis();
    }

    /** Watches every connector of this server, from its start on. */
    public void watch(Server server) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                for (Connector connector : server.getConnectors()) {
                    connector.addEventListener(RequestHeaderDeadline.this);
                }
            }
        });
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // nothing to wait for: the check only closes, and close() ends it
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection http) {
            timer.schedule(() -> {
                if (http.getMessagesIn() == 0 && http.getEndPoint().isOpen()) {
                    http.getEndPoint().close();
                }
            }, deadlineMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        // The scheduled check finds the endpoint closed and does nothing.
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
