package dev.pingscope.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.http.BodyLimits;
import dev.pingscope.http.BodyReader;
import dev.pingscope.http.ClientAddress;
import dev.pingscope.http.ConcurrencyLimiter;
import dev.pingscope.http.OriginPolicy;
import dev.pingscope.http.RateLimiter;
import dev.pingscope.http.RequestOrigin;
import dev.pingscope.http.TimingCors;
import dev.pingscope.tcpinfo.TcpSockets;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The load endpoints of docs/load.md, as a Jetty core handler in front of Javalin (like /ping): no router,
 * no servlet, no compression. {@code GET /load/download?bytes=N} streams N random bytes (the cap without
 * {@code bytes}); {@code POST|PUT /load/upload} reads and discards its body and answers the byte count;
 * {@code GET /.well-known/nq} is the discovery document of the IETF responsiveness draft. Every answer has
 * {@code Cache-Control: no-store}; allowed origins get CORS and Timing-Allow-Origin.
 *
 * <p>Streams larger than {@link #SMALL_BYTES} are load streams, capped per client address (429) and per
 * instance (503). Small requests such as the draft's 1-byte object take no slot, so that latency probes go on
 * when the load streams are at their caps; instead each client address has a byte budget for them (a token
 * bucket, 429 with Retry-After past it), so that a loop of small downloads cannot take unbounded bandwidth.
 */
public final class LoadHandler extends Handler.Wrapper {
    public static final String DOWNLOAD_PATH = "/load/download";
    public static final String UPLOAD_PATH = "/load/upload";
    public static final String DISCOVERY_PATH = "/.well-known/nq";
    /** The kernel's RTT of a run's load streams: the self probes of docs/load.md. */
    public static final String SELF_PATH = "/load/self";
    /** A request of at most this many bytes is a probe, not a load stream: it takes no slot. */
    public static final long SMALL_BYTES = 64 * 1024;
    /** What a small request costs besides its body: its request and answer headers, roughly. */
    static final long SMALL_REQUEST_OVERHEAD_BYTES = 1024;

    private static final HttpField NO_STORE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-store");
    private static final HttpField OCTETS = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    private static final HttpField JSON = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "application/json");
    private static final ObjectMapper JSON_WRITER = new ObjectMapper();
    private static final HttpField PREFLIGHT_METHODS =
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT");
    private static final HttpField PREFLIGHT_HEADERS =
            new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type");
    private static final HttpField PREFLIGHT_MAX_AGE = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_MAX_AGE, "86400");

    private final LoadSettings settings;
    private final BodyLimits uploadLimits;
    private final ClientAddress clientAddress;
    private final RequestOrigin requestOrigin;
    private final ConcurrencyLimiter limiter;
    private final RateLimiter smallRequests;
    private final HttpField instanceField;
    private final TimingCors cors;
    private final SelfProbes selfProbes = new SelfProbes();

    /**
     * @param uploadLimits the minimum rate (and no deadline) of an upload's body: HttpSettings.streamingBodyLimits()
     * @param instance    the instance name, sent in X-Pingscope-Instance as /ping does
     * @param requestOrigin the scheme and host the discovery document's URLs are on
     * @param next        the handler for every other path (and for these when the endpoints are off)
     */
    public LoadHandler(LoadSettings settings, BodyLimits uploadLimits, String instance, OriginPolicy origins,
            ClientAddress clientAddress, RequestOrigin requestOrigin, Handler next) {
        super(next);
        this.settings = settings;
        this.uploadLimits = uploadLimits;
        this.clientAddress = clientAddress;
        this.requestOrigin = requestOrigin;
        this.limiter = new ConcurrencyLimiter(settings.maxStreams(), settings.maxPerAddress());
        // The smallest rate (64 KiB/s) gives a burst of 128 KiB, which holds one small request and its overhead.
        this.smallRequests = new RateLimiter(settings.smallBytesPerSecond(), settings.smallBurstBytes(), RateLimiter.DEFAULT_MAX_KEYS);
        this.instanceField = new PreEncodedHttpField("X-Pingscope-Instance", instance);
        this.cors = new TimingCors(origins);
    }

    /** Load streams open right now. */
    public int openStreams() {
        return limiter.open();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        boolean download = DOWNLOAD_PATH.equals(path);
        boolean upload = UPLOAD_PATH.equals(path);
        boolean discovery = DISCOVERY_PATH.equals(path);
        boolean self = SELF_PATH.equals(path);
        if (!settings.enabled() || !(download || upload || discovery || self)) {
            return super.handle(request, response, callback);
        }
        HttpFields.Mutable headers = response.getHeaders();
        headers.add(NO_STORE);
        headers.add(instanceField);
        cors.addTo(request, headers);
        String method = request.getMethod();
        if (HttpMethod.OPTIONS.is(method) && request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD) != null) {
            headers.add(PREFLIGHT_METHODS);
            headers.add(PREFLIGHT_HEADERS);
            headers.add(PREFLIGHT_MAX_AGE);
            response.setStatus(HttpStatus.NO_CONTENT_204);
            callback.succeeded();
        } else if (download && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
            download(request, response, callback, HttpMethod.HEAD.is(method));
        } else if (upload && (HttpMethod.POST.is(method) || HttpMethod.PUT.is(method))) {
            upload(request, response, callback);
        } else if (discovery && (HttpMethod.GET.is(method) || HttpMethod.HEAD.is(method))) {
            discovery(request, response, callback);
        } else if (self && HttpMethod.GET.is(method)) {
            self(request, response, callback);
        } else {
            headers.put(HttpHeader.ALLOW, download || discovery || self ? "GET, HEAD, OPTIONS" : "POST, PUT, OPTIONS");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
        }
        return true;
    }

    private void download(Request request, Response response, Callback callback, boolean headOnly) {
        long bytes;
        String query = request.getHttpURI().getQuery();
        Fields parameters = query == null ? null : Request.extractQueryParameters(request);
        Fields.Field asked = parameters == null ? null : parameters.get("bytes");
        String run = parameter(parameters, "run");
        if (run != null && !SelfProbes.validRun(run)) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, RUN_FORM);
            return;
        }
        if (asked == null) {
            bytes = settings.maxBytes();
        } else {
            bytes = parseBytes(asked.getValue());
            if (bytes < 0 || bytes > settings.maxBytes()) {
                Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400,
                        "bytes must be a whole number from 0 to " + settings.maxBytes() + " (--load-max-bytes)");
                return;
            }
        }
        boolean loadStream = !headOnly && bytes > SMALL_BYTES;
        Runnable release = admit(request, response, callback, false, loadStream, headOnly ? 0 : bytes);
        if (release == null) {
            return;
        }
        if (loadStream) {
            SocketChannel channel = TcpSockets.channelOf(request);
            if (settings.unsentLimitBytes() > 0) {
                TcpSockets.limitUnsent(channel, settings.unsentLimitBytes());
            }
            release = joined(request, run, true, channel, release);
        } else if (parameters != null && parameters.get("close") != null
                && request.getConnectionMetaData().getHttpVersion().getVersion() < HttpVersion.HTTP_2.getVersion()) {
            // A foreign probe (docs/load.md): the next one must open a connection of its own, as the draft defines
            // them. Over HTTP/2 the connection carries other streams (and the header is not allowed): left open.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().add(OCTETS);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes);
        if (headOnly || bytes == 0) {
            callback.succeeded();
            return;
        }
        new DownloadStream(response, bytes, callback, release).iterate();
    }

    private void upload(Request request, Response response, Callback callback) {
        long length = request.getLength();
        String query = request.getHttpURI().getQuery();
        String run = query == null ? null : parameter(Request.extractQueryParameters(request), "run");
        if (run != null && !SelfProbes.validRun(run)) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, RUN_FORM);
            return;
        }
        // A body known to be too large takes no slot: it is drained (the lingering close) and answered 413.
        boolean loadStream = length <= settings.maxBytes() && (length < 0 || length > SMALL_BYTES);
        Runnable release = length > settings.maxBytes() ? () -> {}
                : admit(request, response, callback, true, loadStream, Math.max(0, length));
        if (release != null) {
            if (loadStream) {
                release = joined(request, run, false, TcpSockets.channelOf(request), release);
            }
            UploadSink.start(request, response, callback, settings.maxBytes(), uploadLimits, release);
        }
    }

    /**
     * Takes a load stream's slot, or charges a small request to its address's byte budget; or answers 503 or
     * 429 and returns null.
     *
     * @param upload     the refusal waits until the request's body is drained (see {@link #refuse})
     * @param bodyBytes  what a small request carries (its download or upload body)
     * @return what gives the slot back (safe to run more than once)
     */
    private Runnable admit(Request request, Response response, Callback callback, boolean upload, boolean loadStream,
            long bodyBytes) {
        String client = clientAddress.of(request).limitKey();
        if (!loadStream) {
            return chargeSmall(request, response, callback, upload, client, bodyBytes + SMALL_REQUEST_OVERHEAD_BYTES);
        }
        switch (limiter.tryAcquire(client)) {
            case TOO_MANY_TOTAL -> {
                refuse(request, response, callback, upload, HttpStatus.SERVICE_UNAVAILABLE_503,
                        "this instance carries its maximum of load streams (--load-max-streams)");
                return null;
            }
            case TOO_MANY_FROM_ADDRESS -> {
                refuse(request, response, callback, upload, HttpStatus.TOO_MANY_REQUESTS_429,
                        "too many load streams from " + client + " (--load-max-per-address)");
                return null;
            }
            default -> {
                AtomicBoolean released = new AtomicBoolean();
                return () -> {
                    if (released.compareAndSet(false, true)) {
                        limiter.release(client);
                    }
                };
            }
        }
    }

    /** A small request goes on if its address's byte budget has room for it; it holds nothing to give back. */
    private Runnable chargeSmall(Request request, Response response, Callback callback, boolean upload, String client,
            long cost) {
        RateLimiter.Verdict verdict = smallRequests.tryAcquire(client, cost);
        if (verdict == RateLimiter.Verdict.ACCEPTED) {
            return () -> {};
        }
        response.getHeaders().put(HttpHeader.RETRY_AFTER, smallRequests.retryAfterSeconds(cost));
        if (verdict == RateLimiter.Verdict.TABLE_FULL) {
            refuse(request, response, callback, upload, HttpStatus.SERVICE_UNAVAILABLE_503,
                    "too many clients at once; try again later");
        } else {
            refuse(request, response, callback, upload, HttpStatus.TOO_MANY_REQUESTS_429,
                    "small load requests from " + client + " above their budget of " + settings.smallBytesPerSecond()
                            + " bytes a second (--load-small-rate)");
        }
        return null;
    }

    /**
     * Answers a refusal. An upload's client may write its whole body before it reads anything: its answer then
     * waits until the body is drained, within the lingering close's bounds ({@link BodyReader} with a cap of 0
     * drains everything), since closing on unread input makes the kernel reset the connection and lose it.
     */
    private void refuse(Request request, Response response, Callback callback, boolean upload, int status, String reason) {
        if (!upload) {
            Response.writeError(request, response, callback, status, reason);
            return;
        }
        BodyReader.count(request, response, callback, 0, uploadLimits, body -> Response.writeError(request, response, callback,
                status, reason));
    }

    private static final String RUN_FORM = "run must be 8 to 64 letters, digits, '-' or '_'";

    private static String parameter(Fields parameters, String name) {
        Fields.Field field = parameters == null ? null : parameters.get(name);
        return field == null ? null : field.getValue();
    }

    /** The stream joins its run's self probes, if it names a run; the returned release also makes it leave. */
    private Runnable joined(Request request, String run, boolean download, SocketChannel channel, Runnable release) {
        if (run == null || channel == null) {
            return release;
        }
        Object key = selfProbes.join(run, clientAddress.of(request).limitKey(), download, channel, clientAddress.direct(request));
        return () -> {
            selfProbes.leave(key);
            release.run();
        };
    }

    /** {@code GET /load/self?run=R}: the kernel's RTT of each open load stream of the run, from this client only. */
    private void self(Request request, Response response, Callback callback) {
        String query = request.getHttpURI().getQuery();
        String run = query == null ? null : parameter(Request.extractQueryParameters(request), "run");
        if (!SelfProbes.validRun(run)) {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, RUN_FORM);
            return;
        }
        String client = clientAddress.of(request).limitKey();
        if (chargeSmall(request, response, callback, false, client, SMALL_REQUEST_OVERHEAD_BYTES) == null) {
            return;
        }
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().add(JSON);
        byte[] body = selfProbes.of(run, client).toString().getBytes(StandardCharsets.UTF_8);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /**
     * The draft's configuration document, its URLs on the scheme and authority the client used: https behind
     * a TLS-terminating trusted proxy, or networkQuality would be sent to a plain-HTTP port that is not there.
     */
    private void discovery(Request request, Response response, Callback callback) {
        String base = requestOrigin.base(request);
        // The host comes from the request: Jackson encodes it, so that no Host header can change the document.
        ObjectNode document = JSON_WRITER.createObjectNode().put("version", 1);
        document.putObject("urls")
                .put("small_download_url", base + DOWNLOAD_PATH + "?bytes=1")
                .put("large_download_url", base + DOWNLOAD_PATH)
                .put("upload_url", base + UPLOAD_PATH);
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().add(JSON);
        response.write(true, ByteBuffer.wrap(document.toString().getBytes(StandardCharsets.UTF_8)), callback);
    }

    private static long parseBytes(String text) {
        if (text == null || text.isEmpty() || text.length() > 19) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value < 0 ? -1 : value;
    }

}
