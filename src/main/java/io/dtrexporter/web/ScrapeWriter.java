package io.dtrexporter.web;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes metrics in the format the Accept header asks for: Prometheus text, OpenMetrics or protobuf.
 * Compression is the job of the gzip handler around every route.
 */
final class ScrapeWriter {
    private final ExpositionFormats formats = ExpositionFormats.init();

    void write(HttpServerExchange exchange, MetricSnapshots snapshots) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst(Headers.ACCEPT));
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, writer.getContentType());
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        exchange.startBlocking();
        try (OutputStream out = exchange.getOutputStream()) {
            writer.write(out, snapshots);
        }
    }
}
