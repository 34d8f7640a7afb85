package dev.pingscope.stack;

/** A real load balancer the tests run with the repository's configuration in front of test instances. */
interface Balancer extends AutoCloseable {
    /** Its plain-HTTP port on 127.0.0.1. */
    int httpPort();

    /** Its HTTPS port on 127.0.0.1, or -1 without TLS. */
    int httpsPort();

    /** The last lines of its output, for failure messages. */
    String logTail();

    @Override
    void close();
}
