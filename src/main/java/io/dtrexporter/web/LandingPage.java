package io.dtrexporter.web;

import io.dtrexporter.Version;
import io.dtrexporter.config.Durations;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.probe.ProbeHistory;
import io.dtrexporter.probe.ProbeLog;
import io.dtrexporter.probe.ProbeModules;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /}: what this is, which modules are loaded (no secrets), and where to go next. */
final class LandingPage implements HttpHandler {
    private final Supplier<ProbeModules> modules;
    private final Supplier<Optional<String>> exampleTarget;
    private final ProbeHistory history;

    /** @param exampleTarget a target worth linking to, e.g. the demo DTR */
    LandingPage(Supplier<ProbeModules> modules, Supplier<Optional<String>> exampleTarget, ProbeHistory history) {
        this.modules = modules;
        this.exampleTarget = exampleTarget;
        this.history = history;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (!exchange.getRelativePath().equals("/")) {
            Responses.text(exchange, 404, "not found; see / for the endpoints");
            return;
        }
        StringBuilder html = new StringBuilder(2048);
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>DTR Exporter</title></head><body>\n")
                .append("<h1>DTR Exporter</h1>\n<p>Prometheus exporter for Docker Trusted Registry / Mirantis Secure ")
                .append("Registry, version ").append(escape(Version.VERSION)).append(".</p>\n");
        html.append("<h2>Modules</h2>\n<table border=\"1\" cellpadding=\"4\">\n<tr><th>module</th><th>user</th>")
                .append("<th>CA file</th><th>client certificate</th><th>job_count</th><th>timeout</th></tr>\n");
        modules.get().config().modules().values().stream()
                .sorted(Comparator.comparing(ModuleConfig::name))
                .forEach(module -> html.append("<tr><td>").append(escape(module.name()))
                        .append("</td><td>").append(escape(module.basicAuth().map(a -> a.username()).orElse("-")))
                        .append("</td><td>").append(escape(module.tls().caFile().map(Object::toString).orElse("JVM default")))
                        .append("</td><td>").append(module.tls().clientCertificate().isPresent() ? "yes" : "no")
                        .append("</td><td>").append(module.jobCount())
                        .append("</td><td>").append(Durations.format(module.timeout()))
                        .append("</td></tr>\n"));
        html.append("</table>\n<h2>Probe</h2>\n");
        String example = exampleTarget.get()
                .map(target -> "/probe?module=demo&target=" + URLEncoder.encode(target, StandardCharsets.UTF_8))
                .orElse("/probe?module=default&target=https%3A%2F%2Fdtr.example.com");
        html.append("<p><a href=\"").append(escape(example)).append("\">").append(escape(example)).append("</a>")
                .append(" (add <code>&amp;debug=true</code> to see what a probe does)</p>\n")
                .append("<p><a href=\"/metrics\">/metrics</a>: the exporter's own metrics. ")
                .append("<a href=\"/config\">/config</a>: the loaded configuration.</p>\n");
        probes(html, "Recent probes", history.recent());
        probes(html, "Recent failed probes", history.failures());
        html.append("</body></html>\n");
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseSender().send(html.toString());
    }

    private static void probes(StringBuilder html, String title, List<ProbeLog> logs) {
        html.append("<h2>").append(title).append("</h2>\n");
        if (logs.isEmpty()) {
            html.append("<p>none yet</p>\n");
            return;
        }
        html.append("<table border=\"1\" cellpadding=\"4\">\n<tr><th>time</th><th>module</th><th>target</th>")
                .append("<th>result</th><th>duration</th><th>log</th></tr>\n");
        for (ProbeLog log : logs) {
            html.append("<tr><td>").append(log.time()).append("</td><td>").append(escape(log.module()))
                    .append("</td><td>").append(escape(log.target()))
                    .append("</td><td>").append(log.success() ? "success" : "<b>failure</b>")
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.3f s", log.duration().toNanos() / 1e9))
                    .append("</td><td><a href=\"/logs?id=").append(log.id()).append("\">log</a></td></tr>\n");
        }
        html.append("</table>\n");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
