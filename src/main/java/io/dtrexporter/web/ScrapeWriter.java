package io.dtrexporter.web;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Writes metrics in the format the Accept header asks for: Prometheus text, OpenMetrics or protobuf,
 * with the name escaping it asks for, as client_java's PrometheusScrapeHandler does. The answer is
 * written into memory first and then sent without blocking, so no thread waits on a slow client.
 * Compression is the job of the gzip handler around every route.
 */
final class ScrapeWriter {
    /** A 3-replica probe writes about 110 KB of text; most answers fit without growing. */
    private static final int FIRST_CAPACITY = 32 * 1024;

    private final ExpositionFormats formats = ExpositionFormats.init();

    /** An answer ready to send. */
    record Rendered(String contentType, ByteBuffer body) {
    }

    Rendered render(String accept, MetricSnapshots snapshots) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        // Prometheus 3 asks for escaping=allow-utf-8 and reads names outside [a-zA-Z0-9_:] as they
        // are; without the parameter (Prometheus 2) such characters become underscores
        EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
        Bytes out = new Bytes();
        try {
            writer.write(out, snapshots, escaping);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
        return new Rendered(writer.getContentType(), out.written());
    }

    void write(HttpServerExchange exchange, MetricSnapshots snapshots) {
        send(exchange, render(exchange.getRequestHeaders().getFirst(Headers.ACCEPT), snapshots));
    }

    static void send(HttpServerExchange exchange, Rendered answer) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, answer.contentType());
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            exchange.endExchange();
            return;
        }
        exchange.getResponseSender().send(answer.body());
    }

    /** The written bytes, sent as they are: no copy of a 100 KB answer. */
    private static final class Bytes extends ByteArrayOutputStream {
        Bytes() {
            super(FIRST_CAPACITY);
        }

        ByteBuffer written() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
