package io.dtrexporter.web;

import io.dtrexporter.config.ConfigDisplay;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.dtr.ApiResult;
import io.dtrexporter.dtr.InvalidTargetException;
import io.dtrexporter.dtr.Target;
import io.dtrexporter.logging.LogFields;
import io.dtrexporter.metrics.ExporterMetrics;
import io.dtrexporter.probe.ProbeHistory;
import io.dtrexporter.probe.ProbeLog;
import io.dtrexporter.probe.ProbeMetrics;
import io.dtrexporter.probe.ProbeModules;
import io.dtrexporter.probe.ProbeResult;
import io.dtrexporter.probe.Prober;
import io.dtrexporter.probe.TargetAccess;
import io.dtrexporter.work.DeadlineExecutor;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET /probe?target=<dtr>&module=<name>}: probes one DTR and answers with its metrics. The IO
 * thread checks the request and takes a slot; no thread waits for the DTR; the CPU pool maps and
 * writes the answer, in deadline order.
 */
final class ProbeHandler implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(ProbeHandler.class.getName());

    /** Seconds a refused client is asked to wait; Prometheus itself simply tries at the next scrape. */
    private static final String RETRY_AFTER_SECONDS = "1";
    private static final String SCRAPE_TIMEOUT_HEADER = "X-Prometheus-Scrape-Timeout-Seconds";
    /**
     * How long a probe may wait for a free slot: long enough to ride out a burst of fast probes,
     * short enough that a flood of stuck ones is answered 503 instead of piling up.
     */
    private static final long SLOT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * A probe whose calls ran to its deadline still gets its answer (dtr_up 0, reason timeout): the
     * mapping and writing may take this much past it before the answer is dropped for a 503.
     */
    private static final long ANSWER_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Supplier<ProbeModules> modules;
    private final ScrapeWriter writer;
    private final ExporterMetrics metrics;
    private final ProbeSlots slots;
    private final DeadlineExecutor cpu;
    private final double timeoutOffsetSeconds;
    private final ProbeHistory history;

    ProbeHandler(Supplier<ProbeModules> modules, ExporterServer.ProbeWork work, ScrapeWriter writer,
                 ExporterMetrics metrics, int maxConcurrentProbes, double timeoutOffsetSeconds, ProbeHistory history) {
        this.timeoutOffsetSeconds = timeoutOffsetSeconds;
        this.history = history;
        this.modules = modules;
        this.writer = writer;
        this.metrics = metrics;
        this.cpu = work.cpu();
        this.slots = new ProbeSlots(maxConcurrentProbes, work.timers());
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
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
        boolean debug = "true".equals(single(exchange, "debug"));
        Probe probe = new Probe(exchange, module, target, timeout, arrival, debug);
        long slotWait = Math.min(SLOT_WAIT_NANOS, timeout.toNanos());
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> slots.acquire(slotWait, probe::run, probe::refuse));
    }

    /** One admitted-or-refused probe request, from its slot to its answer. */
    private final class Probe {
        private final HttpServerExchange exchange;
        private final ProbeModules.Module module;
        private final Target target;
        private final Duration timeout;
        private final long arrival;
        private final boolean debug;

        Probe(HttpServerExchange exchange, ProbeModules.Module module, Target target, Duration timeout, long arrival,
              boolean debug) {
            this.exchange = exchange;
            this.module = module;
            this.target = target;
            this.timeout = timeout;
            this.arrival = arrival;
            this.debug = debug;
        }

        void refuse() {
            metrics.refusedProbe();
            LOG.fine(() -> "refused probe module=" + module.config().name() + " target=" + target
                    + " reason=\"--probe.max-concurrent reached\"");
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            Responses.text(exchange, 503, "too many probes in flight (--probe.max-concurrent); try again later");
        }

        /** Holds a slot from here until the answer is handed to Undertow. */
        void run() {
            ExporterMetrics.InFlight running = metrics.probeStarted();
            AtomicBoolean released = new AtomicBoolean();
            Runnable done = () -> {
                if (released.compareAndSet(false, true)) { // once, even when a failure follows the answer
                    running.close();
                    slots.release();
                }
            };
            try {
                Prober.probe(target, module, timeout, arrival).whenComplete((result, bug) -> {
                    if (bug != null) {
                        fail(bug, done);
                        return;
                    }
                    cpu.execute(arrival + timeout.toNanos() + ANSWER_GRACE_NANOS, () -> answer(result, done),
                            () -> tooLate(result, done));
                });
            } catch (RuntimeException e) {
                fail(e, done);
            }
        }

        private void answer(ProbeResult result, Runnable done) {
            try {
                String moduleName = module.config().name();
                metrics.probeDone(moduleName, result.up(), result.duration().toNanos() / 1e9);
                ProbeLog log = ProbeLog.of(history.nextId(), Instant.now(), module.config(), target, result);
                history.add(log);
                logOutcome(log, result);
                if (debug) {
                    Responses.text(exchange, 200, log.text() + "\n" + ProbeMetrics.text(result) + "\n"
                            + ConfigDisplay.yaml(module.config()));
                } else {
                    ScrapeWriter.send(exchange, writer.render(exchange.getRequestHeaders().getFirst(Headers.ACCEPT),
                            ProbeMetrics.of(result)));
                }
                done.run();
            } catch (RuntimeException | Error e) {
                fail(e, done);
            }
        }

        /** The CPU pool could not get to this answer before Prometheus gave up on it: say so cheaply. */
        private void tooLate(ProbeResult result, Runnable done) {
            metrics.probeDone(module.config().name(), false, result.duration().toNanos() / 1e9);
            LOG.warning(() -> "probe answer dropped module=" + module.config().name() + " target=" + target
                    + " reason=\"the exporter had no CPU time left before the deadline\"");
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            Responses.text(exchange, 503, "the exporter is overloaded: no time was left to answer this probe"
                    + " within its deadline; try again later");
            done.run();
        }

        /** A bug of ours, not the DTR's: the user gets one line, the log gets the trace. */
        private void fail(Throwable bug, Runnable done) {
            try {
                LOG.log(Level.SEVERE, "request " + exchange.getRequestPath() + " failed", bug);
                if (!exchange.isResponseStarted()) {
                    Responses.text(exchange, 500, "internal error; the exporter's log has the details");
                } else {
                    exchange.endExchange();
                }
            } finally {
                done.run();
            }
        }
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

    /**
     * One line for a failed probe, naming what failed and where to read the whole story, each as a
     * field of its own; with several failed calls, api and reason list them in the same order. At
     * debug, a line for a probe that succeeded too.
     */
    private static void logOutcome(ProbeLog log, ProbeResult result) {
        if (log.success()) {
            if (LOG.isLoggable(Level.FINE)) {
                LogFields.of("module", log.module(), "target", log.target(),
                        "duration", ProbeLog.seconds(log.duration()).replace(" s", "s"),
                        "log", "/logs?id=" + log.id()).log(LOG, Level.FINE, "probe succeeded");
            }
            return;
        }
        List<ApiResult<?>> failed = result.calls().stream().filter(call -> !call.succeeded()).toList();
        LogFields.of("module", log.module(), "target", log.target(),
                "api", failed.stream().map(ApiResult::api).collect(Collectors.joining(",")),
                "reason", failed.stream().map(call -> call.failure().orElseThrow().reason().label())
                        .collect(Collectors.joining(",")),
                "log", "/logs?id=" + log.id()).log(LOG, Level.WARNING, "probe failed");
    }

    /** The parameter's value, null when absent; given more than once is an error. */
    private static String single(HttpServerExchange exchange, String name) {
        RequestUrl.Parameter parameter = RequestUrl.parameter(exchange, name);
        if (parameter.count() > 1) {
            throw new HttpError(400, name + " parameter given " + parameter.count() + " times; give it once");
        }
        return parameter.first().orElse(null);
    }
}
