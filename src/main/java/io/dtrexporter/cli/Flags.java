package io.dtrexporter.cli;

import java.net.InetSocketAddress;
import io.dtrexporter.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.logging.Level;

/**
 * The command line, Prometheus style: {@code --name=value} or {@code --name value}; boolean flags
 * stand alone or take {@code =true|false}.
 */
record Flags(Path configFile, boolean configCheck, Duration autoReloadInterval, InetSocketAddress listenAddress,
             Optional<Path> webConfigFile, boolean enableLifecycle, OptionalInt maxConnections,
             int maxConcurrentProbes, double timeoutOffsetSeconds,
             int historyLimit, boolean demo, Level logLevel, boolean jsonLogs, boolean configFileGiven,
             Optional<LegacyTarget> legacy, boolean help, boolean version) {

    private record Flag(String name, String valueName, String defaultValue, String help) {
        boolean isBoolean() {
            return valueName == null;
        }
    }

    private static final List<Flag> FLAGS = List.of(
            new Flag("config.file", "path", "exporter.yml", "Configuration file with the modules."),
            new Flag("config.check", null, "false", "Check the configuration file and every file it names, then exit."),
            new Flag("config.auto-reload-interval", "duration", "0s",
                    "Reload when the config file or a file it names changes, checking this often; 0s: never."),
            new Flag("web.listen-address", "[host]:port", ":9580", "Address to listen on for /probe and /metrics."),
            new Flag("web.config.file", "path", "",
                    "Web config (exporter-toolkit format): TLS and basic auth for every endpoint; re-read when it changes."),
            new Flag("web.enable-lifecycle", null, "false", "Enable POST /-/reload."),
            new Flag("web.max-connections", "n", "",
                    "Connections open at once; a new one beyond it is reset at once. Default: half the open-file limit, at most "
                            + ConnectionCap.DEFAULT_AT_MOST + "."),
            new Flag("probe.max-concurrent", "n", "100",
                    "Probes allowed to run at once; beyond it a probe gets 503 with Retry-After."),
            new Flag("timeout-offset", "seconds", "0.5",
                    "Subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds to give the probe's deadline."),
            new Flag("history.limit", "n", "100",
                    "Recent probe logs kept for /logs; as many failed ones, and the last probes of as many"
                            + " targets, are kept apart. / shows every target probed within the hour (up to 5,000)."),
            new Flag("demo", null, "false",
                    "Also start a simulated 3-replica DTR on loopback and a module \"demo\" that probes it."),
            new Flag("log.level", "level", "info", "Only log messages of this level or above: trace, debug, info, warn, error."
                    + " debug is the exporter's own; trace adds its libraries' (HTTP client, Undertow)."),
            new Flag("log.format", "format", "logfmt", "Log line format: logfmt or json."),
            new Flag("help", null, "false", "Show this help and exit; also -h."),
            new Flag("version", null, "false", "Show the version and exit."));

    /** The old single-target exporter's flags and their environment variables, still honoured. */
    private static final List<Flag> LEGACY_FLAGS = List.of(
            new Flag("connection-string", "url", "", "CONNECTION_STRING: the DTR of module default, also probed on /metrics."),
            new Flag("dtr-ca", "path", "", "DTR_CA: tls_config.ca_file of module default."),
            new Flag("dtr-cert", "path", "", "DTR_CERT: tls_config.cert_file of module default."),
            new Flag("dtr-key", "path", "", "DTR_KEY: tls_config.key_file of module default."),
            new Flag("dtr-username", "user", "", "DTR_USERNAME: basic_auth.username of module default."),
            new Flag("dtr-password", "password", "", "DTR_PASSWORD: basic_auth.password of module default."),
            new Flag("enable-tls", null, "true", "ENABLE_TLS: false allows plain http (allow_plain_http)."),
            new Flag("port", "port", "", "PORT: the same as --web.listen-address=:<port>."),
            new Flag("timeout", "duration", "10s", "TIMEOUT: timeout of module default, a duration such as 10s or 1m30s."),
            new Flag("verbose", null, "false", "VERBOSE: the same as --log.level=debug."),
            new Flag("job-count", "n", "100", "JOB_COUNT: job_count of module default."));

    private static final List<Flag> ALL_FLAGS = Stream.concat(FLAGS.stream(), LEGACY_FLAGS.stream()).toList();

    private static final Map<String, String> LEGACY_DEFAULTS = LEGACY_FLAGS.stream()
            .collect(Collectors.toMap(Flag::name, Flag::defaultValue));

    static Flags parse(String... args) {
        return parse(System.getenv(), args);
    }

    /** @param env the environment, read for the old exporter's variables only */
    static Flags parse(Map<String, String> env, String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag flag : LEGACY_FLAGS) {
            String variable = flag.name().toUpperCase(Locale.ROOT).replace('-', '_');
            values.put(flag.name(), env.getOrDefault(variable, flag.defaultValue()));
        }
        Map<String, String> given = given(args);
        values.putAll(given);
        return build(values, given.keySet());
    }

    private static Map<String, String> given(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i].equals("-h") ? "--help" : args[i]; // the one short flag, as in Prometheus
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw i > 0 && args[i - 1].contains("password") // e.g. --dtr-password= s3cret: the word is the secret
                        ? new UsageException("unexpected argument after " + args[i - 1].split("=", 2)[0]
                                + " (not shown: it may be the password); flags look like --name=value")
                        : notAFlag(arg);
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
            Flag flag = ALL_FLAGS.stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown flag --" + name
                            + nearest(name).map(known -> " (did you mean --" + known + "?)").orElse("")));
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (flag.isBoolean()) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException("flag --" + name + " needs a value");
            }
            values.put(name, value);
        }
        return values;
    }

    /** Not --name[=value]: Go's -name, which the old exporter took, or a stray word. */
    private static UsageException notAFlag(String arg) {
        String goStyle = arg.startsWith("-") && !arg.startsWith("--") ? arg.substring(1).split("=", 2)[0] : "";
        Optional<String> meant = goStyle.isEmpty() ? Optional.empty() : nearest(goStyle);
        if (meant.isPresent()) {
            return new UsageException("unknown flag -" + goStyle + " (did you mean --" + meant.get() + "?)");
        }
        int equals = arg.indexOf('=');
        // what follows = is not repeated: it may be a password
        return new UsageException("unexpected argument \"" + (equals < 0 ? arg : arg.substring(0, equals + 1) + "...")
                + "\"; flags look like --name=value");
    }

    private static Optional<String> nearest(String unknown) {
        return FlagSuggestion.nearest(unknown, ALL_FLAGS.stream().map(Flag::name).toList());
    }

    private static Flags build(Map<String, String> givenAndLegacy, Set<String> given) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag flag : FLAGS) {
            values.put(flag.name(), flag.defaultValue());
        }
        values.putAll(givenAndLegacy);
        if (given.contains("port") && given.contains("web.listen-address")) {
            throw new UsageException("--port=" + values.get("port") + " and --web.listen-address="
                    + values.get("web.listen-address") + " both set the listen address; give one of them");
        }
        // the environment's PORT may be meant for another program: a --web.listen-address flag wins over it
        if (!values.get("port").isEmpty() && !given.contains("web.listen-address")) {
            values.put("web.listen-address", ":" + values.get("port"));
        }
        if (bool(values, "verbose") && !given.contains("log.level")) {
            values.put("log.level", "debug");
        }
        return new Flags(
                Path.of(values.get("config.file")),
                bool(values, "config.check"),
                duration(values, "config.auto-reload-interval"),
                ListenAddress.parse(values.get("web.listen-address")),
                Optional.of(values.get("web.config.file")).filter(path -> !path.isEmpty()).map(Path::of),
                bool(values, "web.enable-lifecycle"),
                optional(values, "web.max-connections").isEmpty() ? OptionalInt.empty()
                        : OptionalInt.of(wholeNumber(values, "web.max-connections", 1, 1_000_000)),
                wholeNumber(values, "probe.max-concurrent", 1, 10_000),
                seconds(values, "timeout-offset"),
                wholeNumber(values, "history.limit", 1, 10_000),
                bool(values, "demo"),
                level(values.get("log.level")),
                json(values.get("log.format")),
                given.contains("config.file"),
                legacy(values, given),
                bool(values, "help"),
                bool(values, "version"));
    }

    static String usage() {
        StringBuilder out = new StringBuilder("usage: java -jar dtr-exporter.jar [<flags>]\n\n"
                + "Prometheus exporter that probes Docker Trusted Registry (Mirantis Secure Registry) clusters:\n"
                + "GET /probe?target=<dtr url>&module=<name>\n\nFlags:\n");
        usage(out, FLAGS);
        out.append("\nThe old dtr-prometheus-exporter's flags, also read from the environment variables named:\n");
        usage(out, LEGACY_FLAGS);
        return out.toString();
    }

    private static void usage(StringBuilder out, List<Flag> flags) {
        for (Flag flag : flags) {
            String left = "  --" + flag.name() + (flag.isBoolean() ? "" : "=<" + flag.valueName() + ">");
            out.append(String.format("%-34s %s", left, flag.help()));
            if (!flag.defaultValue().isEmpty() && !flag.defaultValue().equals("false")) {
                out.append(" Default: ").append(flag.defaultValue());
            }
            out.append('\n');
        }
    }

    private static Duration duration(Map<String, String> values, String name) {
        String text = values.get(name);
        if (text.equals("0") || text.equals("0s")) {
            return Duration.ZERO;
        }
        return Durations.parse(text).orElseThrow(() ->
                new UsageException("--" + name + "=" + text + ": expected a duration such as 30s or 1m"));
    }

    private static double seconds(Map<String, String> values, String name) {
        try {
            double value = Double.parseDouble(values.get(name));
            if (value >= 0 && Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + "=" + values.get(name) + ": expected a number of seconds, 0 or more");
    }

    /** Plain ASCII digits only: Integer.parseInt would also take "+5" and other scripts' digits. */
    private static int wholeNumber(Map<String, String> values, String name, int min, int max) {
        String text = values.get(name);
        if (text.matches("[0-9]{1,9}")) {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        }
        throw new UsageException("--" + name + "=" + text + ": expected a whole number from " + min + " to " + max);
    }

    private static boolean bool(Map<String, String> values, String name) {
        return switch (values.get(name)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("--" + name + "=" + values.get(name) + ": expected true or false");
        };
    }

    private static Optional<LegacyTarget> legacy(Map<String, String> values, Set<String> given) {
        String connection = values.get("connection-string");
        if (connection.isEmpty()) {
            // a wrong flag is never silently ignored; the environment's TIMEOUT or PORT may well be meant
            // for another program, and matters only with a connection string
            Map<String, String> onlyGiven = new LinkedHashMap<>(values);
            LEGACY_DEFAULTS.forEach((name, fallback) -> {
                if (!given.contains(name)) {
                    onlyGiven.put(name, fallback);
                }
            });
            bool(onlyGiven, "enable-tls");
            duration(onlyGiven, "timeout");
            wholeNumber(onlyGiven, "job-count", 0, 65536);
            return Optional.empty();
        }
        boolean enableTls = bool(values, "enable-tls");
        Duration timeout = duration(values, "timeout");
        int jobCount = wholeNumber(values, "job-count", 0, 65536);
        return Optional.of(new LegacyTarget(connection, optional(values, "dtr-ca"), optional(values, "dtr-cert"),
                optional(values, "dtr-key"), optional(values, "dtr-username"), optional(values, "dtr-password"),
                enableTls, timeout, jobCount));
    }

    private static Optional<String> optional(Map<String, String> values, String name) {
        return Optional.of(values.get(name)).filter(value -> !value.isEmpty());
    }

    private static boolean json(String format) {
        return switch (format) {
            case "logfmt" -> false;
            case "json" -> true;
            default -> throw new UsageException("--log.format=" + format + ": expected logfmt or json");
        };
    }

    private static Level level(String text) {
        return switch (text) {
            case "trace" -> Level.FINEST;
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> throw new UsageException("--log.level=" + text + ": expected trace, debug, info, warn or error");
        };
    }
}
