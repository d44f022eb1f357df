package io.dtrexporter.web;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ResponseCommitListener;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;

/**
 * The outermost handler: an answer that reaches the client without a Content-Type gets text/plain.
 * Prometheus 3 refuses a scrape without one, and Undertow's own answers come without it: 503 while
 * the server drains, 500 for an exception that escapes every guard, 503 when the worker pool refuses
 * a task, 413 for a too large request. Checking at commit covers them all, and whatever a handler
 * sets stays. Only what Undertow answers before any handler runs escapes it: the 400s of its parser
 * and of its Host check (the README lists them).
 */
final class DefaultContentType implements HttpHandler {
    private static final ResponseCommitListener TEXT_UNLESS_SET = exchange -> {
        HeaderMap headers = exchange.getResponseHeaders();
        if (!headers.contains(Headers.CONTENT_TYPE)) {
            headers.put(Headers.CONTENT_TYPE, Responses.TEXT_PLAIN);
        }
    };

    private final HttpHandler next;

    DefaultContentType(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addResponseCommitListener(TEXT_UNLESS_SET);
        next.handleRequest(exchange);
    }
}
