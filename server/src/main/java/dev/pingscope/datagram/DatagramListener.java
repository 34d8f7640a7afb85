package dev.pingscope.datagram;

import dev.pingscope.http.ClientId;
import dev.pingscope.http.ConcurrencyLimiter;
import dev.pingscope.http.OriginPolicy;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicConstants;
import tech.kwik.core.log.NullLogger;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnection;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

/**
 * The udp_echo listener: QUIC on a UDP port (Kwik), ALPN h3, one {@link WebTransportSession} per connection.
 * Every connection takes a slot of {@code --udp-max-sessions} and of {@code --udp-max-per-address} (the same
 * {@link ConcurrencyLimiter} rule as /ws) when Kwik hands it over, and gives it back when it closes.
 */
public final class DatagramListener implements AutoCloseable {
    /** How long a connection may go without its CONNECT before it is closed. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    /** Closes a session that sends nothing for this long (QUIC's idle timeout; the page sends every 20 ms or so). */
    static final int IDLE_TIMEOUT_MILLIS = 30_000;

    static {
        // Kwik's loss-recovery probes may send a datagram again (RFC 9221 says never); a single PING frame instead.
        if (System.getProperty("tech.kwik.core.probe-type") == null) {
            System.setProperty("tech.kwik.core.probe-type", "single");
        }
    }

    private final DatagramSettings settings;
    private final OriginPolicy origins;
    private final IntSupplier httpPort;
    private final DatagramCounters counters;
    private final ConcurrencyLimiter limiter;
    private final ScheduledExecutorService deadlines;
    private final ShortLivedCertificate certificate;
    private final ServerConnector connector;
    private final int port;

    private DatagramListener(DatagramSettings settings, OriginPolicy origins, IntSupplier httpPort, DatagramCounters counters,
            DatagramSocket socket, ShortLivedCertificate certificate) throws SocketException, CertificateException {
        this.settings = settings;
        this.counters = counters;
        this.origins = origins;
        this.httpPort = httpPort;
        this.limiter = new ConcurrencyLimiter(settings.maxSessions(), settings.maxPerAddress());
        this.certificate = certificate;
        this.port = socket.getLocalPort();
        KeyStore keys = certificate.keyStore();
        ServerConnectionConfig config = ServerConnectionConfig.builder()
                .maxIdleTimeout(IDLE_TIMEOUT_MILLIS)
                .maxOpenPeerInitiatedUnidirectionalStreams(3) // control, QPACK encoder and decoder
                .maxOpenPeerInitiatedBidirectionalStreams(1) // the session's CONNECT
                .maxUnidirectionalStreamBufferSize(4096)
                .maxBidirectionalStreamBufferSize(WebTransportSession.MAX_HEADERS_BYTES + 1024)
                .maxConnectionBufferSize(64 * 1024)
                .build();
        this.connector = ServerConnector.builder()
                .withSocket(socket)
                .withKeyStore(keys, ShortLivedCertificate.ALIAS, certificate.password(), "secp256r1")
                .withConfiguration(config)
                .withLogger(new NullLogger())
                .build();
        connector.registerApplicationProtocol("h3", new Factory());
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pingscope-udp-deadlines");
            t.setDaemon(true);
            return t;
        });
        connector.start();
    }

    /**
     * Listens on {@code udpPort} on {@code host}, with a new certificate of its own for serverCertificateHashes
     * (see {@link DatagramService}, which picks the port and renews the certificate).
     *
     * @param httpPort the main port actually listened on: pages served from it are this server's own (allowed
     *                 whatever --allowed-origins says)
     * @param counters where outcomes are counted (they outlive one listener)
     * @throws IOException when the UDP port cannot be bound
     */
    static DatagramListener start(int udpPort, DatagramSettings settings, String host, OriginPolicy origins, IntSupplier httpPort,
            DatagramCounters counters) throws IOException {
        // host is the operator's --host, resolved as Jetty resolves it for the main port; never client text
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host, udpPort));
        try {
            return new DatagramListener(settings, origins, httpPort, counters, socket, ShortLivedCertificate.create(java.time.Instant.now()));
        } catch (CertificateException | RuntimeException e) {
            socket.close();
            throw new IOException("cannot start QUIC on UDP port " + udpPort + ": " + e.getMessage(), e);
        }
    }

    /** The UDP port pages are told to use: --udp-public-port, or the one listened on. */
    public int publicPort() {
        return settings.publicPort() > 0 ? settings.publicPort() : port;
    }

    /** The UDP port listened on. */
    public int port() {
        return port;
    }

    /** The certificate's SHA-256 in base64, for a page's serverCertificateHashes. */
    public String certificateHash() {
        return Base64.getEncoder().encodeToString(certificate.sha256());
    }

    public java.time.Instant certificateNotAfter() {
        return certificate.notAfter();
    }

    public DatagramCounters counters() {
        return counters;
    }

    DatagramSettings settings() {
        return settings;
    }

    /** Sessions (QUIC connections) open now. */
    public int openSessions() {
        return limiter.open();
    }

    /** Why this CONNECT is refused (403: an origin neither listed nor this server's own page), or null. */
    ConnectRequest.Refusal refusal(ConnectRequest request) {
        String origin = request.origin();
        if (origins.allows(origin) || isOwnPage(origin, request.authority())) {
            return null;
        }
        return new ConnectRequest.Refusal(403, "origin not allowed: " + origin);
    }

    /** Whether the origin is a page of this server: the CONNECT's host with the main port. */
    private boolean isOwnPage(String origin, String authority) {
        int schemeEnd = origin.indexOf("://");
        if (schemeEnd < 0 || authority == null) {
            return false;
        }
        int colon = authority.lastIndexOf(':');
        String host = colon > authority.lastIndexOf(']') && colon >= 0 ? authority.substring(0, colon) : authority;
        String page = origin.substring(schemeEnd + 3).toLowerCase(Locale.ROOT);
        String own = (host + ":" + httpPort.getAsInt()).toLowerCase(Locale.ROOT);
        return page.equals(own);
    }

    void release(String client) {
        limiter.release(client);
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        connector.close();
    }

    /** Admits each QUIC connection Kwik has completed a handshake with, or closes it. */
    private final class Factory implements ApplicationProtocolConnectionFactory {
        @Override
        public boolean enableDatagramExtension() {
            return true;
        }

        @Override
        public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
            return 3;
        }

        @Override
        public int maxConcurrentPeerInitiatedBidirectionalStreams() {
            return 1;
        }

        @Override
        public ApplicationProtocolConnection createConnection(String protocol, QuicConnection connection) {
            if (!connection.isDatagramExtensionEnabled()) {
                connection.close(QuicConstants.TransportErrorCode.APPLICATION_ERROR, "udp_echo needs QUIC datagrams (RFC 9221)");
                return null;
            }
            InetAddress address = connection instanceof ServerConnection server ? server.getInitialClientAddress() : null;
            String client = address == null ? "unknown" : ClientId.of(address).limitKey();
            switch (limiter.tryAcquire(client)) {
                case TOO_MANY_TOTAL -> {
                    counters.count(DatagramCounters.Session.REFUSED_FULL);
                    connection.close(Http3Wire.H3_EXCESSIVE_LOAD, "this instance holds its maximum of udp_echo sessions");
                    return null;
                }
                case TOO_MANY_FROM_ADDRESS -> {
                    counters.count(DatagramCounters.Session.REFUSED_ADDRESS);
                    connection.close(Http3Wire.H3_EXCESSIVE_LOAD, "too many udp_echo sessions from " + client);
                    return null;
                }
                default -> { }
            }
            WebTransportSession session = new WebTransportSession(connection, client, DatagramListener.this);
            connection.setConnectionListener(event -> session.ended());
            session.open(deadlines.schedule(session::closeIfNoSession, HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            return session;
        }
    }
}
