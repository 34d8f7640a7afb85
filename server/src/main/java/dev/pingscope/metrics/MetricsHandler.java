package dev.pingscope.metrics;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;

/**
 * {@code GET /metrics}: the Prometheus exposition, in the format the scraper asks for in its Accept header
 * (text, OpenMetrics, or protobuf). Written as bytes, never through a String, so that protobuf survives.
 */
public final class MetricsHandler implements Handler {
    private final Metrics metrics;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public MetricsHandler(Metrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        ExpositionFormatWriter writer = formats.findWriter(ctx.header("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, metrics.scrape());
        ctx.header("Cache-Control", "no-store");
        ctx.contentType(writer.getContentType());
        ctx.result(body.toByteArray());
    }
}
