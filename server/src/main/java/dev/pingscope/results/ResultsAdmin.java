package dev.pingscope.results;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pingscope.recording.HistogramStats;
import dev.pingscope.recording.RttRecorders;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import org.HdrHistogram.Histogram;

/**
 * The operators' endpoints: {@code GET /api/results} (newest first, cursor pagination, CSV by Accept) and
 * {@code GET /api/results/merged} (the exact merge of the stored histograms). On the main port and on the
 * admin port alike, only with {@code Authorization: Bearer <--admin-token>}, and otherwise the same 404 as an
 * unknown result, so that nobody learns they exist; without --admin-token, never.
 */
final class ResultsAdmin {
    static final String CSV_HEADER = "id,created_at,instance,site,browser,source,kind,protocol,"
            + "idle_count,idle_lost,idle_min_ms,idle_p50_ms,idle_p90_ms,idle_p99_ms,idle_max_ms,idle_mean_ms,"
            + "loaded_count,loaded_lost,loaded_min_ms,loaded_p50_ms,loaded_p90_ms,loaded_p99_ms,loaded_max_ms,loaded_mean_ms";

    private final ResultStore store;
    private final DatabaseWork database;
    private final byte[] token;

    /** @param adminToken the bearer token these endpoints require, or null: no port serves them */
    ResultsAdmin(ResultStore store, Executor executor, String adminToken) {
        this.store = store;
        this.database = new DatabaseWork(executor);
        this.token = adminToken == null ? null : ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
    }

    /** The handler as either port serves it: only with the token. */
    Handler withToken(Handler handler) {
        return ctx -> {
            String authorization = ctx.header("Authorization");
            if (token == null || authorization == null
                    || !MessageDigest.isEqual(token, authorization.trim().getBytes(StandardCharsets.UTF_8))) {
                Replies.notFound(ctx);
                return;
            }
            handler.handle(ctx);
        };
    }

    void list(Context ctx) {
        AdminQuery q = query(ctx);
        if (q == null) {
            return;
        }
        boolean csv = ctx.header("Accept") != null && ctx.header("Accept").toLowerCase(Locale.ROOT).contains("text/csv");
        database.run(ctx, () -> store.list(q.filter(), q.cursor(), q.limit()), page -> {
            String next = AdminQuery.encodeCursor(page.next());
            ctx.header("Cache-Control", "no-store");
            if (csv) {
                if (next != null) {
                    ctx.header("X-Next-Cursor", next);
                }
                ctx.contentType("text/csv; charset=utf-8").result(csv(page.results()));
                return;
            }
            ObjectNode out = ResultJson.JSON.createObjectNode();
            ArrayNode results = out.putArray("results");
            for (StoredResult r : page.results()) {
                ObjectNode doc = ResultJson.document(r, null, false);
                doc.put("client_address", r.clientAddress());
                results.add(doc);
            }
            out.put("next_cursor", next);
            ctx.json(out);
        });
    }

    void merged(Context ctx) {
        AdminQuery q = query(ctx);
        if (q == null) {
            return;
        }
        database.run(ctx, () -> {
            Map<String, Histogram> sums = new LinkedHashMap<>();
            Map<String, long[]> lost = new LinkedHashMap<>();
            long[] count = {0};
            store.forEach(q.filter(), r -> {
                count[0]++;
                r.probes().forEach((kind, k) -> {
                    add(sums, lost, kind + "/" + Condition.IDLE, k.idle());
                    if (k.loaded() != null) {
                        add(sums, lost, kind + "/" + Condition.LOADED, k.loaded());
                    }
                });
            });
            ObjectNode out = ResultJson.JSON.createObjectNode();
            out.put("results", count[0]);
            ArrayNode series = out.putArray("series");
            sums.forEach((key, sum) -> {
                ObjectNode s = series.addObject();
                s.put("kind", key.substring(0, key.indexOf('/')));
                s.put("condition", key.substring(key.indexOf('/') + 1));
                s.put("lost", lost.get(key)[0]);
                s.set("total", ResultJson.JSON.valueToTree(HistogramStats.of(sum)));
            });
            return out;
        }, out -> {
            ctx.header("Cache-Control", "no-store");
            ctx.json(out);
        });
    }

    private static void add(Map<String, Histogram> sums, Map<String, long[]> lost, String key, Condition c) {
        sums.computeIfAbsent(key, k -> RttRecorders.newHistogram()).add(c.histogram());
        lost.computeIfAbsent(key, k -> new long[1])[0] += c.lost();
    }

    private static AdminQuery query(Context ctx) {
        try {
            return AdminQuery.of(ctx.queryParam("site"), ctx.queryParam("from"), ctx.queryParam("to"),
                    ctx.queryParam("limit"), ctx.queryParam("cursor"));
        } catch (IllegalArgumentException e) {
            Replies.error(ctx, 400, "invalid", e.getMessage());
            return null;
        }
    }

    static String csv(List<StoredResult> results) {
        StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
        for (StoredResult r : results) {
            r.probes().forEach((kind, k) -> {
                out.append(String.join(",", List.of(cell(r.id()), cell(r.createdAt().toString()), cell(r.instance()),
                        cell(r.site()), cell(r.browser()), cell(r.source()), cell(kind), cell(k.protocol()))));
                conditionCells(out, k.idle());
                conditionCells(out, k.loaded());
                out.append('\n');
            });
        }
        return out.toString();
    }

    private static void conditionCells(StringBuilder out, Condition c) {
        if (c == null) {
            out.append(",,,,,,,,");
            return;
        }
        Histogram h = c.histogram();
        out.append(',').append(h.getTotalCount()).append(',').append(c.lost());
        if (h.getTotalCount() == 0) {
            out.append(",,,,,,");
            return;
        }
        for (long v : new long[] {h.getMinValue(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue()}) {
            out.append(',').append(ResultJson.ms(v));
        }
        out.append(',').append(Math.round(h.getMean()) / 1_000.0);
    }

    /**
     * A CSV cell, quoted when it holds a comma, quote or line break. No value can start a spreadsheet formula:
     * sites, browsers and sources come from fixed sets, protocols allow only A-Z a-z 0-9 . / _ -.
     */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            return "\"" + v.replace("\"", "\"\"") + "\"";
        }
        return v;
    }
}
