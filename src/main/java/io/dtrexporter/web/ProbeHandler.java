package io.dtrexporter.web;

import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.InvalidTargetException;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.probe.ProbeMetrics;
import io.dtrexporter.probe.ProbeModules;
import io.dtrexporter.probe.ProbeResult;
import io.dtrexporter.probe.Prober;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code GET /probe?target=<dtr>&module=<name>}: probes one DTR and answers with its metrics. */
final class ProbeHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ProbeHandler.class.getName());

    private final Supplier<ProbeModules> modules;
    private final Prober prober;
    private final ScrapeWriter writer;

    ProbeHandler(Supplier<ProbeModules> modules, Prober prober, ScrapeWriter writer) {
        this.modules = modules;
        this.prober = prober;
        this.writer = writer;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String rawTarget = single(exchange, "target");
        if (rawTarget == null || rawTarget.isEmpty()) {
            throw new HttpError(400, "target parameter is missing");
        }
        String moduleName = single(exchange, "module");
        if (moduleName == null || moduleName.isEmpty()) {
            moduleName = ExporterConfig.DEFAULT_MODULE;
        }
        String name = moduleName;
        ProbeModules.Module module = modules.get().module(name)
                .orElseThrow(() -> new HttpError(400, "unknown module \"" + name + "\""));
        Target target;
        try {
            target = Target.parse(rawTarget);
        } catch (InvalidTargetException e) {
            throw new HttpError(400, e.getMessage());
        }
        ProbeResult result = prober.probe(target, module.config(), module.client());
        logFailures(name, target, result);
        writer.write(exchange, ProbeMetrics.of(result));
    }

    private static void logFailures(String module, Target target, ProbeResult result) {
        if (!LOG.isLoggable(Level.FINE)) {
            return;
        }
        for (ApiResult<?> call : result.calls()) {
            call.failure().ifPresent(failure -> LOG.fine(() -> "probe failed module=" + module + " target=" + target
                    + " api=" + call.api().label() + " reason=" + failure.reason().label()
                    + " detail=\"" + failure.detail() + "\""));
        }
    }

    /** The parameter's value, null when absent; given more than once is an error. */
    private static String single(HttpServerExchange exchange, String name) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new HttpError(400, name + " parameter given " + values.size() + " times; give it once");
        }
        return values.getFirst();
    }
}
