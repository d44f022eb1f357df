package io.dtrexporter.web;

import io.dtrexporter.config.ConfigDisplay;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.InvalidTargetException;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.metrics.ExporterMetrics;
import io.dtrexporter.probe.ProbeHistory;
import io.dtrexporter.probe.ProbeLog;
import io.dtrexporter.probe.ProbeMetrics;
import io.dtrexporter.probe.ProbeModules;
import io.dtrexporter.probe.ProbeResult;
import io.dtrexporter.probe.Prober;
import io.dtrexporter.probe.TargetAccess;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.logging.Logger;

/** {@code GET /probe?target=<dtr>&module=<name>}: probes one DTR and answers with its metrics. */
final class ProbeHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ProbeHandler.class.getName());

    /** Seconds a refused client is asked to wait; Prometheus itself simply tries at the next scrape. */
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final String SCRAPE_TIMEOUT_HEADER = "X-Prometheus-Scrape-Timeout-Seconds";
    /**
     * How long a probe may wait for a free slot: long enough to ride out a burst of fast probes,
     * short enough that a flood of stuck ones is answered 503 instead of piling up.
     */
    private static final long SLOT_WAIT_MILLIS = 1000;

    private final Supplier<ProbeModules> modules;
    private final Prober prober;
    private final ScrapeWriter writer;
    private final ExporterMetrics metrics;
    private final Semaphore probeSlots;
    private final double timeoutOffsetSeconds;
    private final ProbeHistory history;

    ProbeHandler(Supplier<ProbeModules> modules, Prober prober, ScrapeWriter writer, ExporterMetrics metrics,
                 int maxConcurrentProbes, double timeoutOffsetSeconds, ProbeHistory history) {
        this.timeoutOffsetSeconds = timeoutOffsetSeconds;
        this.history = history;
        this.modules = modules;
        this.prober = prober;
        this.writer = writer;
        this.metrics = metrics;
        this.probeSlots = new Semaphore(maxConcurrentProbes);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        long arrival = System.nanoTime(); // the deadline counts from here, waiting for a slot included
        String rawTarget = single(exchange, "target");
        if (rawTarget == null || rawTarget.isEmpty()) {
            throw new HttpError(400, "target parameter is missing");
        }
        String moduleName = single(exchange, "module");
        if (moduleName == null || moduleName.isEmpty()) {
            moduleName = ExporterConfig.DEFAULT_MODULE;
        }
        String name = moduleName;
        ProbeModules.Module module = modules.get().module(name).orElseThrow(() -> {
            metrics.unknownModule();
            return new HttpError(400, "unknown module \"" + name + "\"");
        });
        Target target;
        try {
            target = Target.parse(rawTarget);
        } catch (InvalidTargetException e) {
            throw new HttpError(400, e.getMessage());
        }
        Duration timeout = timeout(exchange, module.config().timeout());
        Optional<String> refusal = TargetAccess.refusal(module.config(), target, rawTarget);
        if (refusal.isPresent()) {
            metrics.forbiddenTarget(name);
            LOG.fine(() -> "refused probe module=" + name + " reason=\"" + refusal.get() + "\"");
            throw new HttpError(403, refusal.get());
        }
        long slotWait = Math.min(TimeUnit.MILLISECONDS.toNanos(SLOT_WAIT_MILLIS), timeout.toNanos());
        if (!probeSlots.tryAcquire(slotWait, TimeUnit.NANOSECONDS)) {
            metrics.refusedProbe();
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            throw new HttpError(503, "too many probes in flight (--probe.max-concurrent); try again later");
        }
        ProbeResult result;
        try (ExporterMetrics.InFlight running = metrics.probeStarted()) {
            result = prober.probe(target, module.config(), module.client(), timeout, arrival);
        } finally {
            probeSlots.release();
        }
        metrics.probeDone(name, result.up(), result.duration().toNanos() / 1e9);
        ProbeLog log = ProbeLog.of(history.nextId(), Instant.now(), module.config(), target, result);
        history.add(log);
        logFailure(log, result);
        if ("true".equals(single(exchange, "debug"))) {
            Responses.text(exchange, 200, log.text() + "\n" + ProbeMetrics.text(result) + "\n"
                    + ConfigDisplay.yaml(module.config()));
            return;
        }
        writer.write(exchange, ProbeMetrics.of(result));
    }

    /**
     * The smaller of the module's timeout and Prometheus' scrape timeout less the offset, as
     * blackbox_exporter does: a probe should answer before Prometheus gives up on it.
     */
    private Duration timeout(HttpServerExchange exchange, Duration moduleTimeout) {
        String header = exchange.getRequestHeaders().getFirst(SCRAPE_TIMEOUT_HEADER);
        if (header == null) {
            return moduleTimeout;
        }
        double scrapeTimeout;
        try {
            scrapeTimeout = Double.parseDouble(header.trim());
        } catch (NumberFormatException e) {
            scrapeTimeout = Double.NaN;
        }
        if (!Double.isFinite(scrapeTimeout) || scrapeTimeout <= 0) {
            throw new HttpError(400, SCRAPE_TIMEOUT_HEADER + " header \"" + header + "\" is not a positive number of seconds");
        }
        double seconds = scrapeTimeout - timeoutOffsetSeconds;
        if (seconds <= 0 || seconds * 1e9 >= moduleTimeout.toNanos()) {
            return moduleTimeout;
        }
        return Duration.ofNanos((long) (seconds * 1e9));
    }

    /** One line for a failed probe, naming what failed and where to read the whole story. */
    private static void logFailure(ProbeLog log, ProbeResult result) {
        if (log.success()) {
            return;
        }
        List<ApiResult<?>> failed = result.calls().stream().filter(call -> !call.succeeded()).toList();
        LOG.warning(() -> "probe failed module=" + log.module() + " target=" + log.target()
                + " api=" + failed.stream().map(call -> call.api().label()).collect(Collectors.joining(","))
                + " reason=" + failed.stream().map(call -> call.failure().orElseThrow().reason().label())
                        .collect(Collectors.joining(","))
                + " log=/logs?id=" + log.id());
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
