package io.dtrexporter.web;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** What / and /logs share: the head with a little CSS (no JavaScript), escaping, sending. */
final class HtmlPage {
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
            table{border-collapse:collapse;margin-bottom:1.5em}
            th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
            th{background:#f2f2f2}
            tr.down td{background:#fdecec}
            .down .result{color:#b00020;font-weight:bold}
            .up .result{color:#1b7f3b}
            .detail{color:#555;font-size:90%}
            .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .mono{font-family:ui-monospace,monospace}
            """;

    private HtmlPage() {
    }

    /** The document up to and including the {@code <h1>}; the caller closes it with {@link #send}. */
    static StringBuilder start(String title) {
        return new StringBuilder(4096).append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(title)).append("</title>\n<style>\n").append(STYLE).append("</style></head><body>\n")
                .append("<h1>").append(escape(title)).append("</h1>\n");
    }

    static void send(HttpServerExchange exchange, StringBuilder html) {
        html.append("</body></html>\n");
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseSender().send(html.toString());
    }

    /**
     * For text and for double-quoted attributes alike. Targets come from query parameters, and a URL
     * path may hold {@code '} and {@code &}; {@code <>"} cannot reach here, but are escaped all the same.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append((char) c);
            }
        });
        return escaped.toString();
    }
}
