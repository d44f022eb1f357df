package io.dtrexporter.web;

import io.dtrexporter.probe.ProbeHistory;
import io.dtrexporter.probe.ProbeLog;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.List;
import java.util.Optional;

/** {@code /logs}: the kept probe logs, newest first; {@code /logs?id=N}: one of them as text. */
final class LogsPage implements HttpHandler {
    private final ProbeHistory history;

    LogsPage(ProbeHistory history) {
        this.history = history;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        Optional<String> requested = RequestUrl.parameter(exchange, "id").first();
        if (requested.isEmpty()) {
            list(exchange, history.kept());
            return;
        }
        String id = requested.get();
        Optional<ProbeLog> log = id.matches("[0-9]{1,18}") ? history.find(Long.parseLong(id)) : Optional.empty();
        Responses.text(exchange, log.isPresent() ? 200 : 404, log.map(ProbeLog::text)
                .orElse("no probe log with id \"" + id + "\" (only the recent ones are kept; /logs lists them)"));
    }

    private static void list(HttpServerExchange exchange, List<ProbeLog> logs) {
        StringBuilder html = HtmlPage.start("Probe logs")
                .append("<p><a href=\"/\">Back to the targets</a>. The recent probes, and apart from them the")
                .append(" recent failed ones and each target's last, newest first (--history.limit).</p>\n");
        if (logs.isEmpty()) {
            html.append("<p>No probe yet.</p>\n");
            HtmlPage.send(exchange, html);
            return;
        }
        html.append("<table>\n<tr><th>log</th><th>time (UTC)</th><th>module</th><th>target</th><th>result</th>")
                .append("<th>duration</th></tr>\n");
        for (ProbeLog log : logs) {
            html.append("<tr class=\"").append(log.success() ? "up" : "down").append("\"><td><a href=\"/logs?id=")
                    .append(log.id()).append("\">log ").append(log.id()).append("</a></td><td class=\"num\">")
                    .append(log.timestamp()).append("</td><td>").append(HtmlPage.escape(log.module()))
                    .append("</td><td class=\"mono\">").append(HtmlPage.escape(log.target()))
                    .append("</td><td class=\"result\">").append(log.success() ? "up" : "down")
                    .append("</td><td class=\"num\">").append(ProbeLog.seconds(log.duration())).append("</td></tr>\n");
        }
        html.append("</table>\n");
        HtmlPage.send(exchange, html);
    }
}
