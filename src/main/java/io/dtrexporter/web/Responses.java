package io.dtrexporter.web;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** Small text answers: errors are one line of text/plain. */
final class Responses {
    private Responses() {
    }

    static void text(HttpServerExchange exchange, int status, String body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(body.endsWith("\n") ? body : body + "\n");
    }
}
