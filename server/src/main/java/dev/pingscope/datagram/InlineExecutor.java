package dev.pingscope.datagram;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the thread that submits it. Kwik hands every received datagram to an executor (by
 * default a new thread per connection); with this one the echo runs on the thread that parsed the packet,
 * with no queue and no hand-off in the round trip.
 */
final class InlineExecutor extends AbstractExecutorService {
    static final InlineExecutor INSTANCE = new InlineExecutor();

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
