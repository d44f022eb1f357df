package io.dtrexporter.cli;

import io.dtrexporter.Version;
import io.dtrexporter.config.ConfigException;
import io.dtrexporter.config.ConfigLoader;
import io.dtrexporter.config.ExporterConfig;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.config.WebConfigLoader;
import io.dtrexporter.demo.DemoDtr;
import io.dtrexporter.dtr.DtrClient;
import io.dtrexporter.metrics.ExporterMetrics;
import io.dtrexporter.probe.LiveModules;
import io.dtrexporter.probe.ProbeModules;
import io.dtrexporter.probe.TargetAccess;
import io.dtrexporter.web.ConnectionLimits;
import io.dtrexporter.web.ExporterServer;
import io.dtrexporter.web.WebSecurity;
import io.dtrexporter.work.DeadlineExecutor;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.PrintStream;
import java.net.BindException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.hc.core5.pool.PoolStats;

/** Entry point: parse flags, load the config, wire the pieces, serve until stopped. */
public final class Main {
    private static final Logger LOG = Logger.getLogger(Main.class.getName());
    /** How often --web.config.file and the files it names are checked for changes. */
    private static final long WEB_CONFIG_CHECK_MILLIS = 2000;
    /** Held here because JUL forgets the level of a logger nobody references. */
    private static final Logger OWN_LOGGER = Logger.getLogger("io.dtrexporter");
    private static final Logger[] LIBRARY_LOGGERS = {Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"),
        Logger.getLogger("org.jboss"), Logger.getLogger("org.apache.hc")};
    /** HttpClient logs every header and byte it sends here at debug level: Authorization included. */
    private static final Logger[] NEVER_DEBUG = {Logger.getLogger("org.apache.hc.client5.http.headers"),
        Logger.getLogger("org.apache.hc.client5.http.wire")};

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the exporter; returns the exit code when it does not keep serving. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Main::onSignal);
    }

    /** Where the process's signal handlers go: the JVM's, or a test's that watches when they go in. */
    @FunctionalInterface
    interface SignalHandlers {
        /**
         * Runs {@code action} on a thread of its own when the process receives SIG{@code name}.
         *
         * @return false when the process cannot hear the signal (ignored since it started)
         */
        boolean handle(String name, Runnable action);
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the signal handlers put in {@code signals}. */
    static int run(String[] args, PrintStream out, PrintStream err, SignalHandlers signals) {
        Flags flags;
        try {
            flags = Flags.parse(args);
        } catch (UsageException e) {
            err.println(Version.NAME + ": error: " + e.getMessage() + "; try --help");
            return 1;
        }
        if (flags.help()) {
            out.print(Flags.usage());
            return 0;
        }
        if (flags.version()) {
            out.println(Version.NAME + ", version " + Version.VERSION + " (java " + Runtime.version() + ")");
            return 0;
        }
        configureLogging(flags.logLevel(), flags.jsonLogs());
        try {
            if (flags.configCheck()) {
                return check(flags, out);
            }
            // SIGHUP's handler goes in before the server listens: a supervisor that sends it as soon as the
            // port answers must not meet the JVM's default, which ends the process. One that comes during
            // the start waits, on its own thread, and reloads once started. SIGTERM and SIGINT keep the
            // JVM's default (exit) until the start is done, so a start that hangs can still be stopped.
            CompletableFuture<Running> started = new CompletableFuture<>();
            boolean hupHeard = signals.handle("HUP", () -> started.join().modules().reload());
            Running running = start(flags);
            started.complete(running);
            CountDownLatch stopped = new CountDownLatch(1);
            AtomicBoolean stopping = new AtomicBoolean();
            Runnable stop = () -> {
                if (stopping.compareAndSet(false, true)) { // Ctrl-C twice, or TERM then INT: one stop
                    try {
                        running.close();
                    } finally { // a close that fails must not leave main waiting for ever
                        stopped.countDown();
                    }
                }
            };
            boolean termHeard = signals.handle("TERM", stop);
            boolean intHeard = signals.handle("INT", stop);
            // after the start, so that a failed start says one line
            warnUnlessHeard("HUP", hupHeard,
                    "reload with POST /-/reload (--web.enable-lifecycle) or --config.auto-reload-interval");
            warnUnlessHeard("TERM", termHeard, "stop the exporter with SIGINT");
            warnUnlessHeard("INT", intHeard, "stop the exporter with SIGTERM");
            stopped.await(); // the server's threads serve until a signal stops them
            return 0;
        } catch (ConfigException e) {
            err.println(Version.NAME + ": error: " + e.getMessage());
            return 1;
        } catch (UsageException e) {
            err.println(Version.NAME + ": error: " + e.getMessage() + "; try --help");
            return 1;
        } catch (StartupException e) {
            err.println(Version.NAME + ": error: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** --config.check: load everything as a start would, say whether it is valid. */
    private static int check(Flags flags, PrintStream out) {
        ExporterConfig config = load(flags);
        flags.webConfigFile().ifPresent(WebConfigLoader::load);
        out.println("config file " + flags.configFile() + " is valid: " + config.modules().size()
                + (config.modules().size() == 1 ? " module (" : " modules (")
                + String.join(", ", new TreeSet<>(config.modules().keySet())) + ")"
                + flags.webConfigFile().map(web -> "; web config file " + web + " is valid").orElse(""));
        return 0;
    }

    /**
     * Runs {@code action} on its own thread when the process receives the signal; false when the
     * process started with the signal ignored (nohup ignores SIGHUP): it stays ignored, since the JVM
     * will not take it back, unlike Go's signal.Notify.
     */
    @SuppressWarnings("restriction")
    private static boolean onSignal(String name, Runnable action) {
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal(name),
                signal -> new Thread(action, "signal-" + name).start());
        return previous != sun.misc.SignalHandler.SIG_IGN;
    }

    /** An operator used to Prometheus would send the signal and see nothing happen: say so. */
    private static void warnUnlessHeard(String name, boolean heard, String otherwise) {
        if (!heard) {
            LOG.warning(() -> "SIG" + name + " is ignored by this process (started under nohup?) and does nothing; "
                    + otherwise);
        }
    }

    /** Everything that runs, in the order it is closed. */
    public record Running(ExporterServer server, LiveModules modules, DeadlineExecutor cpu,
                          ScheduledExecutorService deadlines, ScheduledExecutorService fileWatch,
                          Optional<DemoDtr> demo) implements AutoCloseable {
        @Override
        public void close() {
            release();
            LOG.info("stopped");
        }

        /** Closes everything without a word: a start that failed has nothing that "stopped". */
        private void release() {
            server.close();
            modules.close();
            cpu.close();
            deadlines.shutdownNow();
            fileWatch.shutdownNow();
            demo.ifPresent(DemoDtr::close);
        }

        public int port() {
            return server.port();
        }
    }

    /**
     * Starts the exporter as the command line would, without waiting: for tests and embedding.
     *
     * @throws ConfigException  when the config cannot be loaded
     * @throws StartupException when the server cannot listen
     * @throws UsageException   when the flags are wrong
     */
    public static Running start(String... args) {
        return start(System.getenv(), args);
    }

    /** As {@link #start(String...)}, reading the old exporter's environment variables from {@code env}. */
    public static Running start(Map<String, String> env, String... args) {
        Flags flags = Flags.parse(env, args);
        configureLogging(flags.logLevel(), flags.jsonLogs());
        return start(flags, UnaryOperator.identity());
    }

    /**
     * As {@link #start(String...)}, with other bounds on reading requests than the defaults, so that
     * a test of them need not wait for 10 s.
     */
    public static Running start(Duration headersTimeout, Duration idleTimeout, String... args) {
        Flags flags = Flags.parse(System.getenv(), args);
        configureLogging(flags.logLevel(), flags.jsonLogs());
        return start(flags, limits -> limits.withTimeouts(headersTimeout, idleTimeout));
    }

    private static Running start(Flags flags) {
        return start(flags, UnaryOperator.identity());
    }

    private static Running start(Flags flags, UnaryOperator<ConnectionLimits> timeouts) {
        ExporterConfig firstLook = load(flags); // fail before starting anything
        WebSecurity security = flags.webConfigFile().map(WebSecurity::load).orElseGet(WebSecurity::none);
        Optional<DemoDtr> demo = flags.demo() ? Optional.of(DemoDtr.start()) : Optional.empty();
        Supplier<ExporterConfig> loader = () -> withDemoModule(load(flags), flags, demo);
        // the modules start with the config already read: read twice, its warnings would be said twice
        ExporterConfig initial = withDemoModule(firstLook, flags, demo);
        ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, daemonThreads("probe-deadline"));
        deadlines.setRemoveOnCancelPolicy(true); // most alarms are cancelled; do not keep them queued
        DeadlineExecutor cpu = DeadlineExecutor.forCores("probe-cpu");
        ScheduledExecutorService fileWatch = Executors.newSingleThreadScheduledExecutor(daemonThreads("file-watch"));
        ExporterMetrics metrics = new ExporterMetrics();
        LiveModules modules = new LiveModules(initial, loader, new DtrClient.Shared(Version.userAgent(), deadlines, cpu), fileWatch,
                metrics::configLoaded);
        metrics.watchPools(() -> poolStats(modules.get()));
        if (!flags.autoReloadInterval().isZero()) {
            modules.watch(flags.autoReloadInterval());
        }
        Optional<String> demoTarget = demo.map(DemoDtr::target);
        ConnectionCap.Choice cap = ConnectionCap.choose(flags.maxConnections(), ConnectionCap.openFileLimit());
        Supplier<MetricSnapshots> metricsPage = flags.legacy()
                .<Supplier<MetricSnapshots>>map(legacy -> () -> LegacyMetrics.scrape(legacy, modules.get(), metrics))
                .orElse(metrics::scrape);
        ExporterServer server = new ExporterServer(
                new ExporterServer.Settings(flags.listenAddress(), flags.maxConcurrentProbes(), security,
                        flags.timeoutOffsetSeconds(), flags.enableLifecycle() ? Optional.of(modules::reload) : Optional.empty(),
                        flags.historyLimit(), timeouts.apply(ConnectionLimits.of(cap.maxConnections()))),
                modules, new ExporterServer.ProbeWork(cpu, deadlines), metrics, metricsPage, () -> demoTarget);
        security.watch(fileWatch, WEB_CONFIG_CHECK_MILLIS);
        Running running = new Running(server, modules, cpu, deadlines, fileWatch, demo);
        try {
            server.start();
        } catch (RuntimeException e) {
            running.release();
            throw new StartupException("cannot listen on " + describe(flags) + ": " + whyNotListening(e));
        }
        LOG.info(() -> "listening address=" + describe(flags) + " port=" + running.port()
                + " tls=" + security.tls().isPresent() + " basic_auth=" + !security.config().basicAuthUsers().isEmpty()
                + " modules=" + String.join(",", new TreeSet<>(modules.get().config().modules().keySet()))
                + " " + cap.logFields() + " version=" + Version.VERSION);
        cap.warnIfTooMany();
        demoTarget.ifPresent(target -> LOG.info(() -> "demo DTR running: curl 'http://localhost:" + running.port()
                + "/probe?module=" + DemoDtr.MODULE + "&target=" + target + "'"));
        return running;
    }

    /** The config file, with the old exporter's flags' module default when they name a DTR. */
    private static ExporterConfig load(Flags flags) {
        if (flags.legacy().isEmpty()) {
            return ConfigLoader.load(flags.configFile());
        }
        LegacyTarget legacy = flags.legacy().get();
        ExporterConfig config = ConfigLoader.load(flags.configFile(), flags.configFileGiven(),
                ExporterConfig.DEFAULT_MODULE, legacy.module(), "the old exporter's flags (--connection-string, --dtr-*)");
        // /metrics probes this target on every scrape: it must pass the same checks as a /probe
        ModuleConfig module = config.module(ExporterConfig.DEFAULT_MODULE).orElseThrow();
        if (TargetAccess.refusal(module, legacy.parsedTarget(), legacy.target()).isPresent()) {
            throw new UsageException("--connection-string " + legacy.target() + " is plain http, and the credentials"
                    + " would travel in clear text: set --enable-tls=false (ENABLE_TLS=false) to allow that");
        }
        return config;
    }

    /** With --demo, the config plus the demo's module, whose name the config must leave free. */
    private static ExporterConfig withDemoModule(ExporterConfig config, Flags flags, Optional<DemoDtr> demo) {
        if (demo.isEmpty()) {
            return config;
        }
        if (config.modules().containsKey(DemoDtr.MODULE)) {
            throw new ConfigException("config file " + flags.configFile() + ": modules." + DemoDtr.MODULE
                    + ": the name is taken by --demo; rename the module or drop --demo");
        }
        Map<String, ModuleConfig> modules = new LinkedHashMap<>(config.modules());
        modules.put(DemoDtr.MODULE, ModuleConfig.anonymous(DemoDtr.MODULE));
        return config.withModules(modules);
    }

    private static Map<String, PoolStats> poolStats(ProbeModules modules) {
        Map<String, PoolStats> stats = new LinkedHashMap<>();
        modules.clients().forEach((name, client) -> stats.put(name, client.poolStats()));
        return stats;
    }

    /**
     * A BindException is also what an address of another machine gives ("Cannot assign requested
     * address"): only a port that is taken may be reported as in use.
     */
    private static String whyNotListening(RuntimeException e) {
        if (e.getCause() instanceof BindException bind) {
            String reason = bind.getMessage() == null ? "" : bind.getMessage();
            return reason.toLowerCase(Locale.ROOT).contains("in use") ? "address already in use"
                    : reason.isEmpty() ? "cannot bind" : reason;
        }
        return e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
    }

    private static String describe(Flags flags) {
        return flags.listenAddress().getHostString() + ":" + flags.listenAddress().getPort();
    }

    /**
     * --log.level applies to the exporter's own loggers. The libraries' (HttpClient's pool, Undertow's
     * requests, XNIO) stay at warn unless it is trace: at debug they wrote hundreds of MB an hour of
     * pool chatter and a stack trace for every malformed request, which is what drowned the
     * exporter's own lines when someone turned debug on during an incident.
     */
    private static void configureLogging(Level level, boolean json) {
        Logger root = Logger.getLogger("");
        for (Handler existing : root.getHandlers()) {
            root.removeHandler(existing); // the JVM's default two-line format
        }
        ConsoleHandler handler = new ConsoleHandler(); // stderr
        handler.setFormatter(json ? new JsonLogFormatter() : new LogfmtFormatter());
        handler.setLevel(level);
        root.addHandler(handler);
        boolean trace = level.intValue() < Level.FINE.intValue();
        // anything else (the JDK's own loggers) as the libraries: its debug only at trace
        root.setLevel(trace || level.intValue() >= Level.INFO.intValue() ? level : Level.INFO);
        OWN_LOGGER.setLevel(level);
        for (Logger library : LIBRARY_LOGGERS) {
            library.setLevel(trace ? level : Level.WARNING);
        }
        for (Logger secretive : NEVER_DEBUG) {
            secretive.setLevel(Level.WARNING);
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The exporter could not start for a reason outside the config, e.g. a port in use. */
    public static final class StartupException extends RuntimeException {
        StartupException(String message) {
            super(message);
        }
    }
}
