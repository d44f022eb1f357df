package io.dtrexporter.web;

import io.dtrexporter.Version;
import io.dtrexporter.config.AllowedTargets;
import io.dtrexporter.config.Durations;
import io.dtrexporter.config.HostPattern;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.probe.ProbeHistory;
import io.dtrexporter.probe.ProbeLog;
import io.dtrexporter.probe.ProbeModules;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code /}: the fleet at a glance for someone in the middle of an incident (the last probe of each
 * target, failures first), the modules (no secrets) and a probe link that works.
 */
final class LandingPage implements HttpHandler {
    /** Failed targets first; then in a fixed order, so that a row stays where the eye left it. */
    static final Comparator<ProbeLog> FAILURES_FIRST = Comparator.comparing(ProbeLog::success)
            .thenComparing(ProbeLog::module).thenComparing(ProbeLog::target);
    /** A TLS or JSON error can run to a paragraph; the row shows its start, the log the rest. */
    private static final int DETAIL_CHARS = 160;

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
            Responses.notFound(exchange);
            return;
        }
        StringBuilder html = HtmlPage.start("DTR Exporter")
                .append("<p>Prometheus exporter for Docker Trusted Registry / Mirantis Secure Registry, version ")
                .append(HtmlPage.escape(Version.VERSION)).append(". <a href=\"/metrics\">/metrics</a>: the exporter's")
                .append(" own metrics. <a href=\"/config\">/config</a>: the loaded configuration.")
                .append(" <a href=\"/logs\">/logs</a>: the recent probes' logs.</p>\n");
        targets(html, history.latestPerTarget(), history.keptIds());
        modules(html, modules.get().config().modules().values());
        example(html, ExampleProbe.path(modules.get().config(), exampleTarget.get()));
        HtmlPage.send(exchange, html);
    }

    private static void targets(StringBuilder html, List<ProbeLog> latest, Set<Long> logsKept) {
        Instant now = Instant.now();
        long down = latest.stream().filter(log -> !log.success()).count();
        html.append("<h2>Targets</h2>\n");
        if (latest.isEmpty()) {
            html.append("<p>No probe yet: each module and target probed will have a row here.</p>\n");
            return;
        }
        html.append("<p>").append(down).append(" down, ").append(latest.size() - down).append(" up:")
                .append(" the last probe of each module and target probed within the hour, failures first.</p>\n")
                .append("<table class=\"targets\">\n<tr><th>result</th><th>module</th><th>target</th>")
                .append("<th>failed calls: reason</th><th>time (UTC)</th><th>duration</th><th>log</th></tr>\n");
        latest.stream().sorted(FAILURES_FIRST).forEach(log -> html
                .append("<tr class=\"").append(log.success() ? "up" : "down").append("\"><td class=\"result\">")
                .append(log.success() ? "up" : "down")
                .append("</td><td>").append(HtmlPage.escape(log.module()))
                .append("</td><td class=\"mono\">").append(HtmlPage.escape(log.target()))
                .append("</td><td>").append(failedCalls(log.failedCalls()))
                .append("</td><td class=\"num\">").append(log.timestamp()).append(" <span class=\"detail\">")
                .append(age(Duration.between(log.time(), now))).append("</span>")
                .append("</td><td class=\"num\">").append(ProbeLog.seconds(log.duration()))
                .append("</td><td class=\"num\">").append(logsKept.contains(log.id())
                        ? "<a href=\"/logs?id=" + log.id() + "\">log " + log.id() + "</a>" : "<span class=\"detail\">not kept</span>")
                .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    /** The same cause once: a DTR that refuses connections fails every call the same way. */
    private static String failedCalls(List<ProbeLog.FailedCall> calls) {
        record Cause(String reason, String detail) {
        }
        Map<Cause, List<String>> apisByCause = new LinkedHashMap<>();
        calls.forEach(call -> apisByCause.computeIfAbsent(new Cause(call.reason(), call.detail()),
                cause -> new ArrayList<>()).add(call.api()));
        return apisByCause.entrySet().stream().map(failed -> "<b>" + HtmlPage.escape(String.join(", ", failed.getValue()))
                        + "</b>: " + HtmlPage.escape(failed.getKey().reason()) + " <span class=\"detail\">"
                        + HtmlPage.escape(shortened(failed.getKey().detail())) + "</span>")
                .collect(Collectors.joining("<br>"));
    }

    /** A row that is minutes old while Prometheus probes every 15 s says the probes stopped. */
    static String age(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        return seconds < 120 ? seconds + " s ago" : seconds < 7200 ? seconds / 60 + " min ago" : seconds / 3600 + " h ago";
    }

    private static String shortened(String detail) {
        return detail.length() <= DETAIL_CHARS ? detail : detail.substring(0, DETAIL_CHARS - 1) + "…";
    }

    private static void modules(StringBuilder html, Collection<ModuleConfig> configured) {
        html.append("<h2>Modules</h2>\n<table>\n<tr><th>module</th><th>user</th><th>allowed_targets</th>")
                .append("<th>CA file</th><th>client certificate</th><th>job_count</th><th>timeout</th></tr>\n");
        configured.stream().sorted(Comparator.comparing(ModuleConfig::name))
                .forEach(module -> html.append("<tr><td>").append(HtmlPage.escape(module.name()))
                        .append("</td><td>").append(HtmlPage.escape(module.basicAuth().map(a -> a.username()).orElse("-")))
                        .append("</td><td class=\"mono\">").append(HtmlPage.escape(allowedTargets(module)))
                        .append("</td><td>").append(HtmlPage.escape(module.tls().caFile().map(Object::toString)
                                .orElse("JVM default")))
                        .append("</td><td>").append(module.tls().clientCertificate().isPresent() ? "yes" : "no")
                        .append("</td><td class=\"num\">").append(module.jobCount())
                        .append("</td><td class=\"num\">").append(Durations.format(module.timeout()))
                        .append("</td></tr>\n"));
        html.append("</table>\n");
    }

    /** Both reasons a probe gets 403: a host not listed, and credentials that would travel over http. */
    private static String allowedTargets(ModuleConfig module) {
        AllowedTargets allowed = module.allowedTargets();
        String hosts = allowed.any() ? "any host"
                : allowed.patterns().stream().map(HostPattern::text).collect(Collectors.joining(", "));
        return module.hasCredentials() && !module.allowPlainHttp() ? hosts + " (https only)" : hosts;
    }

    private static void example(StringBuilder html, Optional<String> probe) {
        html.append("<h2>Probe</h2>\n");
        if (probe.isEmpty()) {
            html.append("<p><span class=\"mono\">/probe?module=&lt;module&gt;&amp;target=&lt;DTR URL&gt;</span>")
                    .append(" with a target the module's allowed_targets allows.</p>\n");
            return;
        }
        html.append("<p><a class=\"mono\" href=\"").append(HtmlPage.escape(probe.get())).append("\">")
                .append(HtmlPage.escape(probe.get())).append("</a>")
                .append(" (add <span class=\"mono\">&amp;debug=true</span> to see what a probe does)</p>\n");
    }
}
