package io.dtrexporter.web;

import java.time.Duration;

/**
 * What one client's connections may hold of the exporter: how many connections are open at once
 * ({@code --web.max-connections}), how long a request's headers may take to arrive, and how long a
 * connection may sit between requests.
 */
public record ConnectionLimits(int maxConnections, Duration headersTimeout, Duration idleTimeout) {
    /** A client that is not an attack sends its headers in one packet; Go's servers allow as much. */
    public static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Longer than the common 1m scrape interval, so that Prometheus' keep-alive connections live from
     * one scrape to the next; short enough that idle connections do not hold the cap for long.
     */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(90);

    public ConnectionLimits {
        if (maxConnections < 1 || headersTimeout.isNegative() || headersTimeout.isZero()
                || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("limits must be positive: " + maxConnections + ", "
                    + headersTimeout + ", " + idleTimeout);
        }
    }

    public static ConnectionLimits of(int maxConnections) {
        return new ConnectionLimits(maxConnections, HEADERS_TIMEOUT, IDLE_TIMEOUT);
    }

    public ConnectionLimits withTimeouts(Duration headers, Duration idle) {
        return new ConnectionLimits(maxConnections, headers, idle);
    }
}
