package io.dtrexporter.cli;

import java.net.InetSocketAddress;
import io.dtrexporter.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;

/**
 * The command line, Prometheus style: {@code --name=value} or {@code --name value}; boolean flags
 * stand alone or take {@code =true|false}.
 */
record Flags(Path configFile, boolean configCheck, Duration autoReloadInterval, InetSocketAddress listenAddress,
             Optional<Path> webConfigFile, boolean enableLifecycle, int maxConcurrentProbes, double timeoutOffsetSeconds,
             int historyLimit, boolean demo, Level logLevel, boolean jsonLogs, boolean help, boolean version) {

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
            new Flag("probe.max-concurrent", "n", "100",
                    "Probes allowed to run at once; beyond it a probe gets 503 with Retry-After."),
            new Flag("timeout-offset", "seconds", "0.5",
                    "Subtracted from Prometheus' X-Prometheus-Scrape-Timeout-Seconds to give the probe's deadline."),
            new Flag("history.limit", "n", "100",
                    "Recent probes kept for / and /logs; as many failed ones are kept apart."),
            new Flag("demo", null, "false",
                    "Also start a simulated 3-replica DTR on loopback and a module \"demo\" that probes it."),
            new Flag("log.level", "level", "info", "Only log messages of this level or above: debug, info, warn, error."),
            new Flag("log.format", "format", "logfmt", "Log line format: logfmt or json."),
            new Flag("help", null, "false", "Show this help and exit."),
            new Flag("version", null, "false", "Show the version and exit."));

    static Flags parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Flag flag : FLAGS) {
            values.put(flag.name(), flag.defaultValue());
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument \"" + arg + "\"; flags look like --name=value");
            }
            int equals = arg.indexOf('=');
            String name = equals < 0 ? arg.substring(2) : arg.substring(2, equals);
            Flag flag = FLAGS.stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageException("unknown flag --" + name));
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
        return new Flags(
                Path.of(values.get("config.file")),
                bool(values, "config.check"),
                duration(values, "config.auto-reload-interval"),
                ListenAddress.parse(values.get("web.listen-address")),
                Optional.of(values.get("web.config.file")).filter(path -> !path.isEmpty()).map(Path::of),
                bool(values, "web.enable-lifecycle"),
                positive(values, "probe.max-concurrent"),
                seconds(values, "timeout-offset"),
                positive(values, "history.limit"),
                bool(values, "demo"),
                level(values.get("log.level")),
                json(values.get("log.format")),
                bool(values, "help"),
                bool(values, "version"));
    }

    static String usage() {
        StringBuilder out = new StringBuilder("usage: java -jar dtr-exporter.jar [<flags>]\n\n"
                + "Prometheus exporter that probes Docker Trusted Registry (Mirantis Secure Registry) clusters:\n"
                + "GET /probe?target=<dtr url>&module=<name>\n\nFlags:\n");
        for (Flag flag : FLAGS) {
            String left = "  --" + flag.name() + (flag.isBoolean() ? "" : "=<" + flag.valueName() + ">");
            out.append(String.format("%-34s %s", left, flag.help()));
            if (!flag.isBoolean()) {
                out.append(" Default: ").append(flag.defaultValue());
            }
            out.append('\n');
        }
        return out.toString();
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

    private static int positive(Map<String, String> values, String name) {
        try {
            int value = Integer.parseInt(values.get(name));
            if (value >= 1 && value <= 10_000) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + name + "=" + values.get(name) + ": expected a whole number from 1 to 10000");
    }

    private static boolean bool(Map<String, String> values, String name) {
        return switch (values.get(name)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException("--" + name + "=" + values.get(name) + ": expected true or false");
        };
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
            case "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> throw new UsageException("--log.level=" + text + ": expected debug, info, warn or error");
        };
    }
}
