package io.dtrexporter.web;

import io.dtrexporter.config.ConfigDisplay;
import io.dtrexporter.config.WebConfig;
import io.dtrexporter.metrics.ExporterMetrics;
import io.dtrexporter.probe.ProbeHistory;
import io.dtrexporter.probe.ProbeModules;
import io.dtrexporter.work.DeadlineExecutor;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.undertow.server.HttpHandler;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.encoding.ContentEncodingRepository;
import io.undertow.server.handlers.encoding.EncodingHandler;
import io.undertow.server.handlers.encoding.GzipEncodingProvider;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.Deflater;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;

/** The exporter's HTTP server: routes, gzip, and a last line of defence against our own bugs. */
public final class ExporterServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ExporterServer.class.getName());
    /**
     * Worker threads for what blocks: /metrics (and with the old exporter's flags its probe), reload,
     * the landing page. Probes hold none, so these never wait behind them.
     */
    private static final int WORKER_THREADS = 8;
    /**
     * Prometheus asks for gzip on every scrape. At the default level 6, compressing a 3-replica
     * answer (109 KB) cost 1.3 ms of CPU, a quarter of the whole probe; level 1 takes 0.4 ms and
     * sends 12 KB instead of 10.
     */
    private static final int GZIP_LEVEL = Deflater.BEST_SPEED;

    /** How long a stop waits for running probes; a probe's own deadline usually ends it sooner. */
    private static final long DRAIN_MILLIS = 10_000;

    private final Listener.Config listenerConfig;
    private final HttpHandler root;
    private final GracefulShutdownHandler draining;
    private final BcryptLine bcrypt = new BcryptLine();
    private Listener listener;

    /**
     * Where and how the server listens.
     *
     * @param maxConcurrentProbes probes beyond this many at once wait up to 1 s for a slot, then get 503
     * @param security            TLS and users of --web.config.file
     * @param timeoutOffsetSeconds taken from Prometheus' scrape timeout to give a probe's deadline
     * @param reload              POST /-/reload, when --web.enable-lifecycle: empty on success, else why not
     * @param historyLimit        how many recent probes, failed ones and targets' last probes / and /logs keep
     * @param connections         --web.max-connections, and how long a connection may take to say something
     */
    public record Settings(InetSocketAddress address, int maxConcurrentProbes, WebSecurity security,
                           double timeoutOffsetSeconds, Optional<Supplier<Optional<String>>> reload,
                           int historyLimit, ConnectionLimits connections) {
    }

    /** Where probes do their CPU work, and the timers of their slot waits. */
    public record ProbeWork(DeadlineExecutor cpu, ScheduledExecutorService timers) {
    }

    /**
     * @param metricsPage what /metrics shows: the exporter's own metrics, and with the old exporter's
     *                    flags its DTR's too
     */
    public ExporterServer(Settings settings, Supplier<ProbeModules> modules, ProbeWork work,
                          ExporterMetrics exporterMetrics, Supplier<MetricSnapshots> metricsPage,
                          Supplier<Optional<String>> exampleTarget) {
        int maxConcurrentProbes = settings.maxConcurrentProbes();
        ScrapeWriter writer = new ScrapeWriter();
        ProbeHistory history = new ProbeHistory(settings.historyLimit());
        HttpHandler probe = guarded(new ProbeHandler(modules, work, writer, exporterMetrics, maxConcurrentProbes,
                settings.timeoutOffsetSeconds(), history));
        HttpHandler reload = new BlockingHandler(guarded(exchange -> {
            Supplier<Optional<String>> reloader = settings.reload().orElseThrow(() ->
                    new HttpError(403, "lifecycle API is not enabled; start with --web.enable-lifecycle"));
            Optional<String> failure = reloader.get();
            Responses.text(exchange, failure.isPresent() ? 500 : 200,
                    failure.map(why -> "config not reloaded: " + why).orElse("config reloaded"));
        }));
        HttpHandler metrics = new BlockingHandler(guarded(exchange -> writer.write(exchange, metricsPage.get())));
        HttpHandler landing = guarded(new LandingPage(modules, exampleTarget, history));
        HttpHandler logs = guarded(new LogsPage(history));
        HttpHandler config = guarded(exchange -> {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, Responses.TEXT_PLAIN);
            exchange.getResponseSender().send(ConfigDisplay.yaml(modules.get().config()));
        });
        RoutingHandler routes = new RoutingHandler()
                .get("/probe", probe)
                .get("/metrics", metrics)
                .get("/", landing)
                .get("/logs", logs)
                .get("/config", config)
                // the server starts only once a config is loaded: serving means ready
                .get("/-/healthy", exchange -> Responses.text(exchange, 200, "Healthy"))
                .get("/-/ready", exchange -> Responses.text(exchange, 200, "Ready"))
                .post("/-/reload", reload)
                .setFallbackHandler(Responses::notFound)
                .setInvalidMethodHandler(exchange -> Responses.text(exchange, 405, "method not allowed"));
        HttpHandler authenticated = new BasicAuthHandler(settings.security()::users, bcrypt, new EncodingHandler(
                new ContentEncodingRepository().addEncodingHandler("gzip", new GzipEncodingProvider(GZIP_LEVEL), 50))
                .setNext(RequestUrl.decoding(routes)));
        this.draining = new GracefulShutdownHandler(authenticated);
        this.root = new DefaultContentType(draining);
        this.listenerConfig = listenerConfig(settings);
    }

    private static Listener.Config listenerConfig(Settings settings) {
        InetSocketAddress address = settings.address();
        Optional<WebConfig.TlsServer> tls = settings.security().tls();
        if (tls.isEmpty()) {
            return new Listener.Config(address, WORKER_THREADS, settings.connections(), null, OptionMap.EMPTY);
        }
        WebConfig.ClientAuth clientAuth = tls.get().clientAuth();
        return new Listener.Config(address, WORKER_THREADS, settings.connections(), settings.security().sslContext(),
                OptionMap.builder()
                        .set(Options.SSL_CLIENT_AUTH_MODE, clientAuth.required() ? SslClientAuthMode.REQUIRED
                                : clientAuth.requested() ? SslClientAuthMode.REQUESTED : SslClientAuthMode.NOT_REQUESTED)
                        .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(tls.get().protocols()))
                        .getMap());
    }

    /** @throws UncheckedIOException with a {@link java.net.BindException} when the address is taken */
    public void start() {
        try {
            listener = Listener.start(listenerConfig, root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port actually bound, useful when the configured port was 0. */
    public int port() {
        return listener.port();
    }

    /** Refuses new requests (503), lets running ones finish for up to 10 s, then stops. */
    @Override
    public void close() {
        draining.shutdown();
        try {
            if (!draining.awaitShutdown(DRAIN_MILLIS)) {
                LOG.warning("stopping with requests still running after " + DRAIN_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (listener != null) {
            listener.close();
        }
        bcrypt.close();
    }

    static HttpHandler guarded(HttpHandler handler) {
        return exchange -> {
            try {
                handler.handleRequest(exchange);
            } catch (HttpError e) {
                Responses.text(exchange, e.status(), e.getMessage());
            } catch (IOException e) {
                if (!exchange.isResponseStarted()) {
                    throw e;
                }
                // the client hung up while we wrote (a scrape that timed out, curl -m): nothing is wrong here
                LOG.fine(() -> "client went away during " + exchange.getRequestPath() + ": " + e.getMessage());
            } catch (Exception | Error e) { // the user gets one line, the log gets the trace
                LOG.log(Level.SEVERE, "request " + exchange.getRequestPath() + " failed", e);
                if (!exchange.isResponseStarted()) {
                    Responses.text(exchange, 500, "internal error; the exporter's log has the details");
                }
            }
        };
    }

}
