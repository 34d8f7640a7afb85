package dev.pingscope.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pingscope.TestServer;
import dev.pingscope.tls.SelfSignedCertificate;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17, case 2: through the shipped nginx and HAProxy configurations, in front of a replica that trusts them
 * (--trusted-proxies 127.0.0.1), a client that forges X-Forwarded-For never exceeds a per-address limit and never
 * chooses the address stored with its saved result. Each case's client has a loopback address of its own
 * (127.0.0.2, .3, ...: not the trusted 127.0.0.1), so the cases do not share limits; every request of a case
 * forges a different value, so a replica that believed any of them would see a fresh client each time.
 *
 * <p>What makes these pass: the balancers send the replica only the address they saw (they replace the
 * client's X-Forwarded-For, docs/deployment.md), and the replica's resolver takes the right-most untrusted hop
 * over all X-Forwarded-For lines (so an appending balancer is safe too). On the code as it landed (HAProxy's
 * `option forwardfor` appended its own line, the replica read the first) the HAProxy cases failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgedForwardedForTest {
    private static final int WS_PER_ADDRESS = 3;
    private static final int INTAKE_BURST = 3;
    private static final int SAVES_PER_MINUTE = 3;
    private static final String ADMIN_TOKEN = "forged-xff-admin-token-0123";
    /** --results-client-address truncated keeps the /24 of each client's 127.0.0.x. */
    private static final String CLIENTS_OWN_SLASH_24 = "127.0.0.0/24";

    /** What a client puts in its request for its i-th attempt: header lines naming someone else each time. */
    record Forgery(String name, IntFunction<List<String>> lines) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Forgery> FORGERIES = List.of(
            new Forgery("a forged first line", i -> List.of("X-Forwarded-For: 203.0.113." + (i + 1))),
            new Forgery("forged extra lines", i -> List.of("X-Forwarded-For: 203.0.113." + (i + 1),
                    "X-Forwarded-For: 198.51.100." + (i + 1), "X-Forwarded-For: 192.0.2." + (i + 1))),
            new Forgery("garbage", i -> List.of("X-Forwarded-For: ,, ;garbage-" + i + " ,\t[::zz], 999.1.1." + i + ",")),
            new Forgery("hostnames", i -> List.of("X-Forwarded-For: client-" + i + ".example, localhost")),
            new Forgery("IPv6 addresses of one /64", i -> List.of("X-Forwarded-For: 2001:db8:1:2::" + Integer.toHexString(i + 1),
                    "X-Forwarded-For: [2001:db8:1:2:ffff::" + Integer.toHexString(i + 1) + "]")),
            new Forgery("many entries", i -> List.of("X-Forwarded-For: " + IntStream.range(0, 60)
                    .mapToObj(k -> "10." + i + "." + (k / 250) + "." + (k % 250 + 1)).collect(Collectors.joining(", ")))));

    private final AtomicInteger lastClient = new AtomicInteger(1);
    private TempDir dataDir;
    private TempDir certs;
    private TestServer replica;
    private Map<String, Balancer> balancers;

    @BeforeAll
    void start() throws Exception {
        dataDir = new TempDir("pingscope-forged-xff");
        certs = new TempDir("pingscope-forged-xff-certs");
        Pem.write(SelfSignedCertificate.create(), certs.path);
        replica = TestServer.start(TestServer.testConfig()
                .withTrustedProxies(List.of("127.0.0.1"))
                .with("--ws-max-per-address", WS_PER_ADDRESS).with("--intake-rate", 0.01).with("--intake-burst", INTAKE_BURST)
                .withDataDir(dataDir.path).with("--results-rate", SAVES_PER_MINUTE)
                .with("--results-client-address", "truncated").with("--admin-token", ADMIN_TOKEN));
        List<Integer> replicas = List.of(replica.server.port());
        balancers = Map.of("nginx", new Nginx(replicas), "HAProxy", new Haproxy(replicas, certs.resolve("pingscope.pem")));
    }

    @AfterAll
    void stop() {
        if (balancers != null) {
            balancers.values().forEach(Balancer::close);
        }
        if (replica != null) {
            replica.close();
        }
        if (certs != null) {
            certs.close();
        }
        if (dataDir != null) {
            dataDir.close();
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of("nginx", "HAProxy").flatMap(b -> FORGERIES.stream().map(f -> Arguments.of(b, f)));
    }

    /** A client of this case's own, from an address no other case uses, talking to the balancer's plain-HTTP port. */
    private ForgingClient newClient(String balancer) throws Exception {
        int n = lastClient.incrementAndGet();
        return new ForgingClient(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n}), balancers.get(balancer).httpPort());
    }

    @ParameterizedTest(name = "through {0}, with {1}")
    @MethodSource("cases")
    void websockets_past_the_per_address_limit_get_429_whatever_the_client_forges(String balancer, Forgery forgery)
            throws Exception {
        ForgingClient client = newClient(balancer);
        List<ForgingClient.Upgrade> open = new ArrayList<>();
        try {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i <= WS_PER_ADDRESS; i++) {
                ForgingClient.Upgrade upgrade = client.upgrade(forgery.lines().apply(i));
                open.add(upgrade);
                statuses.add(upgrade.status());
            }
            List<Integer> expected = new ArrayList<>(java.util.Collections.nCopies(WS_PER_ADDRESS, 101));
            expected.add(429);
            assertEquals(expected, statuses, "--ws-max-per-address " + WS_PER_ADDRESS + " through " + balancer + " with "
                    + forgery + "\n" + balancers.get(balancer).logTail());
        } finally {
            for (ForgingClient.Upgrade upgrade : open) {
                upgrade.close();
            }
        }
    }

    @ParameterizedTest(name = "through {0}, with {1}")
    @MethodSource("cases")
    void sample_batches_past_the_intake_burst_get_429_whatever_the_client_forges(String balancer, Forgery forgery)
            throws Exception {
        ForgingClient client = newClient(balancer);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i <= INTAKE_BURST; i++) {
            List<String> lines = new ArrayList<>(forgery.lines().apply(i));
            lines.add("Content-Type: text/plain;charset=UTF-8");
            statuses.add(client.send("POST", "/api/samples", lines, "{\"samples\":{\"http_head\":[1.5,2.5]}}").status());
        }
        List<Integer> expected = new ArrayList<>(java.util.Collections.nCopies(INTAKE_BURST, 200));
        expected.add(429);
        assertEquals(expected, statuses, "--intake-burst " + INTAKE_BURST + " (rate 0.01/s) through " + balancer + " with " + forgery);
    }

    @ParameterizedTest(name = "through {0}, with {1}")
    @MethodSource("cases")
    void a_saved_result_keeps_the_clients_own_address_and_the_save_rate_holds_whatever_it_forges(String balancer,
            Forgery forgery) throws Exception {
        ForgingClient client = newClient(balancer);
        List<Integer> statuses = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i <= SAVES_PER_MINUTE; i++) {
            List<String> lines = new ArrayList<>(forgery.lines().apply(i));
            lines.add("Content-Type: application/json");
            ForgingClient.Response r = client.send("POST", "/api/results", lines, SAVE_BODY);
            statuses.add(r.status());
            if (r.status() == 201) {
                ids.add(TestServer.JSON.readTree(r.body()).get("id").asText());
            }
        }
        List<Integer> expected = new ArrayList<>(java.util.Collections.nCopies(SAVES_PER_MINUTE, 201));
        expected.add(429);
        assertEquals(expected, statuses, "--results-rate " + SAVES_PER_MINUTE + " through " + balancer + " with " + forgery);
        Map<String, String> stored = storedClientAddresses();
        for (String id : ids) {
            assertEquals(CLIENTS_OWN_SLASH_24, stored.get(id), "client_address of result " + id + " saved through " + balancer
                    + " with " + forgery);
        }
    }

    /** A browser's save: two probe kinds, a few samples each. */
    static final String SAVE_BODY = "{\"source\":\"browser\",\"settings\":{\"probes\":[\"http_head\",\"ws_echo\"],"
            + "\"rounds\":50,\"interval\":200,\"timeout\":2000,\"warmup\":3},\"probes\":{"
            + "\"http_head\":{\"protocol\":\"http/1.1\",\"idle\":{\"samples\":[10.5,11.25,12],\"lost\":0}},"
            + "\"ws_echo\":{\"protocol\":\"ws\",\"idle\":{\"samples\":[9.5,9.75],\"lost\":0}}}}";

    /** Every stored result's client_address by id, read as an operator does (GET /api/results with the admin token). */
    private Map<String, String> storedClientAddresses() throws Exception {
        Map<String, String> byId = new java.util.HashMap<>();
        String cursor = null;
        do {
            URI uri = replica.uri("/api/results?limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            var r = replica.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .header("Accept", "application/json").GET());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode page = TestServer.JSON.readTree(r.body());
            page.get("results").forEach(x -> byId.put(x.get("id").asText(), x.get("client_address").asText(null)));
            cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
        } while (cursor != null);
        return byId;
    }
}
