package dev.pingscope.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pingscope.recording.HistogramStats;
import dev.pingscope.recording.MergedStats;
import dev.pingscope.prober.FailureReason;
import dev.pingscope.prober.TlsTrust;
import dev.pingscope.recording.StatsSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pingscope stats URL…}: exact percentiles across instances, from their /api/stats histograms. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Prints exact percentiles of several instances together.",
            "Fetches /api/stats from each instance, adds their HdrHistograms and takes",
            "the percentiles (in ms) per probe kind and source from the sum. Give each",
            "replica's own address: through a load balancer one may answer twice."
        })
public final class StatsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "URL",
            description = "An instance, like http://10.0.0.5:7070 (its /api/stats is fetched), or a full /api/stats URL.")
    List<String> urls;

    @Option(names = "--json",
            description = "Print JSON (instances, and per series the merged statistics and histogram) instead of a table.")
    boolean json;

    @Option(names = "--timeout", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "How long to wait for each instance's answer (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    TlsTrustOptions tlsTrust = new TlsTrustOptions();

    @Override
    public Integer call() throws Exception {
        List<URI> statsUris = new ArrayList<>();
        for (String url : urls) {
            statsUris.add(statsUri(url));
        }
        TlsTrust trust = tlsTrust.trust();
        PrintWriter out = spec.commandLine().getOut();
        MergedStats merged;
        try {
            merged = MergedStats.of(fetchAll(statsUris, trust));
        } catch (IllegalArgumentException e) {
            return fail(e.getMessage());
        }
        if (json) {
            out.println(JSON.writeValueAsString(merged));
        } else {
            printTable(out, merged);
        }
        out.flush();
        return 0;
    }

    /** The /api/stats URI of an instance address; a bad address is a usage error. */
    private URI statsUri(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw invalidUrl(url);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw invalidUrl(url);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        return path.endsWith("/api/stats") ? uri : uri.resolve(path.replaceFirst("/?$", "/") + "api/stats");
    }

    private CommandLine.ParameterException invalidUrl(String url) {
        return new CommandLine.ParameterException(spec.commandLine(),
                "'" + url + "' is not an http(s) URL of an instance (write it like http://10.0.0.5:7070)");
    }

    /** Fetches every instance at once; the first failure names its URL. */
    private List<StatsSnapshot> fetchAll(List<URI> uris, TlsTrust trust) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).sslContext(trust.sslContext()).build();
        List<CompletableFuture<StatsSnapshot>> answers = new ArrayList<>();
        for (URI uri : uris) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .thenApply(StatsCommand::parse)
                    .exceptionally(e -> {
                        throw new IllegalArgumentException(uri + ": " + describe(e));
                    }));
        }
        List<StatsSnapshot> snapshots = new ArrayList<>();
        for (CompletableFuture<StatsSnapshot> answer : answers) {
            try {
                snapshots.add(answer.join());
            } catch (CompletionException e) {
                throw (IllegalArgumentException) e.getCause();
            }
        }
        return snapshots;
    }

    private static StatsSnapshot parse(HttpResponse<byte[]> response) {
        if (response.statusCode() != 200) {
            throw new IllegalArgumentException("answered HTTP " + response.statusCode());
        }
        try {
            StatsSnapshot snapshot = JSON.readValue(response.body(), StatsSnapshot.class);
            if (snapshot.instance() == null || snapshot.series() == null) {
                throw new IllegalArgumentException("not pingscope's /api/stats (no instance or series)");
            }
            return snapshot;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not pingscope's /api/stats: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not pingscope's /api/stats: " + e.getMessage());
        }
    }

    private String describe(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof IllegalArgumentException) {
            return t.getMessage();
        }
        if (t instanceof java.net.ConnectException) {
            return "cannot connect (connection refused)";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + DurationConverter.format(timeout);
        }
        return FailureReason.describe(t);
    }

    private static void printTable(PrintWriter out, MergedStats merged) {
        out.println("instances: " + String.join(", ", merged.instances()));
        out.printf(Locale.ROOT, "%-10s %-10s %-9s %10s %10s %10s %10s %10s %10s %10s%n",
                "kind", "source", "load", "count", "min_ms", "p50_ms", "p90_ms", "p99_ms", "p99.9_ms", "max_ms");
        boolean any = false;
        for (MergedStats.MergedSeries s : merged.series()) {
            HistogramStats t = s.total();
            if (t.count() == 0) {
                continue;
            }
            any = true;
            out.printf(Locale.ROOT, "%-10s %-10s %-9s %10d %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f%n",
                    s.kind(), s.source(), s.load(), t.count(), t.minMs(), t.p50Ms(), t.p90Ms(), t.p99Ms(), t.p999Ms(), t.maxMs());
        }
        if (!any) {
            out.println("(no samples recorded yet)");
        }
    }

    private int fail(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("pingscope stats: " + message);
        err.flush();
        return 1;
    }
}
