package io.dtrexporter.dtr;

import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.util.Timeout;

/**
 * The HttpClient context of one call, whose timeouts are the time left to the call's deadline (plus
 * a backstop) at the moment HttpClient reads them: when it asks for a pooled connection, when it
 * starts to connect (the TLS handshake takes the same timeout) and when it sends the request. So
 * every stage of a call ends with HttpClient's own failure at the call's deadline: cancelling does
 * not suffice, because httpclient5 5.6 does not pass a cancel on to a connection that is still
 * connecting or in its handshake.
 * <p>
 * Fixed timeouts, computed when the call starts, let a connection outlive its deadline: a call that
 * waited for the pool gets its lease just before its deadline and starts to connect with the whole
 * timeout; the deadline's cancel does not reach a connect under way (httpclient5 5.6), so against a
 * DTR that accepts and never answers, each such connect kept a socket open for a whole timeout
 * after its probe had ended (106 sockets at once to one DTR, with a pool of two, in the overload
 * benchmark).
 */
final class DeadlineContext extends HttpClientContext {
    /**
     * HttpClient's own timeouts of a call end this long after its deadline, so that the reason given
     * is always the deadline's, which fires first.
     */
    static final long BACKSTOP_MILLIS = 100;

    private final long deadlineNanos;

    DeadlineContext(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    @SuppressWarnings("deprecation") // a connect timeout per request is what ends a connect at its call's deadline
    public RequestConfig getRequestConfig() {
        Timeout left = Timeout.ofMilliseconds(
                TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNanos - System.nanoTime())) + BACKSTOP_MILLIS);
        return RequestConfig.custom()
                .setConnectionRequestTimeout(left)
                .setConnectTimeout(left)
                .setResponseTimeout(left)
                .setRedirectsEnabled(false)
                .build();
    }
}
