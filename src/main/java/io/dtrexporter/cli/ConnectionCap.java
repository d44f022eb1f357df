package io.dtrexporter.cli;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.logging.Logger;

/**
 * --web.max-connections against the process's open-file limit: every connection is a file
 * descriptor, and so is every socket of the DTR pools and every file read. Run out, and accepts
 * fail, XNIO backs off for up to 30 s, and probes cannot open their sockets to the DTRs.
 */
final class ConnectionCap {
    private static final Logger LOG = Logger.getLogger(ConnectionCap.class.getName());
    /** More idle connections than this cost memory and help no Prometheus. */
    static final int DEFAULT_AT_MOST = 16_384;
    /** When the limit cannot be read (not a Unix JVM). */
    static final int DEFAULT_UNKNOWN_LIMIT = 4_096;

    private ConnectionCap() {
    }

    /**
     * The flag's value, or half the open-file limit (the rest for the DTRs and files).
     *
     * @param source what the log says it came from
     */
    record Choice(int maxConnections, OptionalLong openFileLimit, String source) {
        /** For the start's log line, said once the server listens: a start that fails says one line. */
        String logFields() {
            return "max_connections=" + maxConnections + " open_file_limit="
                    + (openFileLimit.isPresent() ? String.valueOf(openFileLimit.getAsLong()) : "unknown")
                    + " max_connections_from=\"" + source + "\"";
        }

        /** A flag that leaves the DTR connections too few descriptors. */
        void warnIfTooMany() {
            if (source.equals("flag") && openFileLimit.isPresent() && maxConnections > openFileLimit.getAsLong() / 2) {
                LOG.warning(() -> "--web.max-connections=" + maxConnections + " is more than half the open-file limit"
                        + " of " + openFileLimit.getAsLong() + ": a flood of connections can leave too few file"
                        + " descriptors for the connections to the DTRs; raise the limit (ulimit -n) or lower the flag");
            }
        }
    }

    static Choice choose(OptionalInt flag, OptionalLong openFileLimit) {
        if (flag.isPresent()) {
            return new Choice(flag.getAsInt(), openFileLimit, "flag");
        }
        return new Choice(defaultFor(openFileLimit), openFileLimit, openFileLimit.isPresent()
                ? "half the open-file limit, at most " + DEFAULT_AT_MOST : "open-file limit unknown");
    }

    static int defaultFor(OptionalLong openFileLimit) {
        if (openFileLimit.isEmpty()) {
            return DEFAULT_UNKNOWN_LIMIT;
        }
        return (int) Math.max(1, Math.min(DEFAULT_AT_MOST, openFileLimit.getAsLong() / 2));
    }

    /** The soft RLIMIT_NOFILE, as the JVM sees it. */
    static OptionalLong openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 0) {
            return OptionalLong.of(unix.getMaxFileDescriptorCount());
        }
        return OptionalLong.empty();
    }
}
