package io.dtrexporter.web;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** Small text answers: errors are one line of text/plain. */
final class Responses {
    static final String TEXT_PLAIN = "text/plain; charset=utf-8";

    private Responses() {
    }

    /** The answer to a path that names no endpoint. */
    static void notFound(HttpServerExchange exchange) {
        text(exchange, 404, "not found; see / for the endpoints");
    }

    static void text(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT_PLAIN);
        exchange.getResponseSender().send(body.endsWith("\n") ? body : body + "\n");
    }
}
