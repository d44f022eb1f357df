package io.dtrexporter.dtr;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dtrexporter.config.ModuleConfig;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntPredicate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.ManagedHttpClientConnectionFactory;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The DTR API client of one module: one pooled HttpClient, built when the module loads and reused by
 * every probe of that module (keep-alive and TLS sessions). A call never throws: it returns an
 * {@link ApiResult} that says what happened.
 */
public final class DtrClient implements Closeable {
    /** Bodies above this size fail with too_large; reading stops there. */
    public static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    private static final int MAX_CONNECTIONS_PER_TARGET = 32;
    private static final int MAX_CONNECTIONS = 256;
    private static final TimeValue IDLE_EVICTION = TimeValue.ofMinutes(2);
    /**
     * Each pooled connection keeps three buffers of this size for its whole life (32 KiB each by
     * default). A DTR's request and header lines are a few hundred bytes (lines up to 8 KiB still
     * parse: the line buffer grows), and bodies bypass the buffer in large reads. With 256 idle
     * connections the default buffers were ~40 % of the live byte arrays.
     */
    private static final int CONNECTION_BUFFER_BYTES = 2048;

    private final PoolingHttpClientConnectionManager pool;
    private final CloseableHttpClient http;
    private final Optional<String> authorization;
    private final ScheduledExecutorService deadlines;

    public DtrClient(ModuleConfig module, String userAgent, ScheduledExecutorService deadlines) {
        this.deadlines = deadlines;
        Timeout timeout = Timeout.of(module.timeout());
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(TlsContexts.strategy(module.tls()))
                .setConnectionFactory(ManagedHttpClientConnectionFactory.builder()
                        .http1Config(Http1Config.custom().setBufferSize(CONNECTION_BUFFER_BYTES).build())
                        .build())
                .setMaxConnPerRoute(MAX_CONNECTIONS_PER_TARGET)
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout)
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .evictIdleConnections(IDLE_EVICTION)
                .evictExpiredConnections()
                .setUserAgent(userAgent)
                .build();
        // Preemptive: DTR answers 401 without a challenge worth a second round trip.
        this.authorization = module.basicAuth().map(auth -> "Basic " + Base64.getEncoder().encodeToString(
                (auth.username() + ":" + auth.password().value()).getBytes(StandardCharsets.UTF_8)));
    }

    /** Calls {@code pathAndQuery} on the target, giving up at {@code deadlineNanos} (System.nanoTime). */
    public <T> ApiResult<T> call(Target target, DtrApi api, String pathAndQuery, BodyParser<T> parser,
                                 long deadlineNanos) {
        return call(target, api, pathAndQuery, parser, deadlineNanos, DtrClient::isSuccess);
    }

    /**
     * @param answered the statuses whose body is the answer; others are failures. /_ping answers 503
     *                 with a body that says why the replica is unhealthy.
     */
    public <T> ApiResult<T> call(Target target, DtrApi api, String pathAndQuery, BodyParser<T> parser,
                                 long deadlineNanos, IntPredicate answered) {
        long start = System.nanoTime();
        HttpGet request;
        try {
            request = new HttpGet(target.resolve(pathAndQuery));
        } catch (IllegalArgumentException e) {
            // Target.parse should have refused such a target; if not, this probe fails, not the exporter
            return ApiResult.failure(api, 0, elapsed(start), FailureReason.CONNECTION,
                    "cannot make a request URL for " + target + ": " + e.getMessage());
        }
        request.setHeader(HttpHeaders.ACCEPT, "application/json");
        authorization.ifPresent(value -> request.setHeader(HttpHeaders.AUTHORIZATION, value));
        AtomicBoolean deadlinePassed = new AtomicBoolean();
        ScheduledFuture<?> alarm = deadlines.schedule(() -> {
            deadlinePassed.set(true);
            request.cancel();
        }, Math.max(0, deadlineNanos - start), TimeUnit.NANOSECONDS);
        Exchange<T> exchange = new Exchange<>(api, request, parser, start, answered);
        try {
            return exchange.run().withCertificateNotAfter(exchange.certificateNotAfter());
        } catch (IOException | RuntimeException e) {
            FailureReason reason = deadlinePassed.get() ? FailureReason.TIMEOUT : classify(e);
            String detail = deadlinePassed.get() ? "no complete answer within the probe's deadline" : describe(e);
            return ApiResult.<T>failure(api, exchange.statusCode, elapsed(start), reason, detail)
                    .withCertificateNotAfter(exchange.certificateNotAfter());
        } finally {
            alarm.cancel(false);
        }
    }

    public PoolStats poolStats() {
        return pool.getTotalStats();
    }

    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
    }

    private final class Exchange<T> {
        private final DtrApi api;
        private final HttpGet request;
        private final BodyParser<T> parser;
        private final long start;
        private final IntPredicate answered;
        private int statusCode;
        private final HttpClientContext context = HttpClientContext.create();

        Exchange(DtrApi api, HttpGet request, BodyParser<T> parser, long start, IntPredicate answered) {
            this.api = api;
            this.request = request;
            this.parser = parser;
            this.start = start;
            this.answered = answered;
        }

        ApiResult<T> run() throws IOException {
            ClassicHttpResponse response = http.executeOpen(null, request, context);
            try {
                statusCode = response.getCode();
                return interpret(response);
            } finally {
                closeQuietly(response);
            }
        }

        /** From the TLS session the exchange ran on, new or reused; empty for http or a failed handshake. */
        Optional<Instant> certificateNotAfter() {
            SSLSession session = context.getSSLSession();
            if (session == null) {
                return Optional.empty();
            }
            try {
                return Arrays.stream(session.getPeerCertificates())
                        .filter(X509Certificate.class::isInstance)
                        .map(certificate -> ((X509Certificate) certificate).getNotAfter().toInstant())
                        .min(Instant::compareTo);
            } catch (SSLPeerUnverifiedException e) {
                return Optional.empty();
            }
        }

        private ApiResult<T> interpret(ClassicHttpResponse response) throws IOException {
            HttpEntity entity = response.getEntity();
            if (!answered.test(statusCode)) {
                String message = DtrErrors.message(entity, MAX_ERROR_BODY_BYTES, () -> abort(entity));
                FailureReason reason = switch (statusCode) {
                    case 401 -> FailureReason.UNAUTHORIZED;
                    case 403 -> FailureReason.FORBIDDEN;
                    default -> FailureReason.HTTP_STATUS;
                };
                return fail(reason, statusLine(response) + message);
            }
            if (entity == null) {
                return fail(FailureReason.INVALID_RESPONSE, "empty body");
            }
            if (entity.getContentLength() > MAX_BODY_BYTES) {
                abort(entity);
                return fail(FailureReason.TOO_LARGE, "Content-Length " + entity.getContentLength()
                        + " is above the limit of " + MAX_BODY_BYTES + " bytes");
            }
            // Not closed here: closing drains the rest of the body. A body read to its end has already
            // given its connection back to the pool; any other is aborted, which drops the connection.
            LimitedInputStream body = new LimitedInputStream(entity.getContent(), MAX_BODY_BYTES);
            try {
                T parsed = parser.parse(body);
                return ApiResult.success(api, statusCode, elapsed(start), parsed, body.bytesRead());
            } catch (BodyTooLargeException e) {
                abort(entity);
                return ApiResult.failure(api, statusCode, elapsed(start), FailureReason.TOO_LARGE, e.getMessage(),
                        body.bytesRead());
            } catch (JsonProcessingException e) {
                abort(entity); // the rest of a body we cannot read is not worth the connection
                String type = entity.getContentType() == null ? "no Content-Type" : entity.getContentType();
                return ApiResult.failure(api, statusCode, elapsed(start), FailureReason.INVALID_RESPONSE,
                        "not the expected JSON (" + type + "): " + e.getOriginalMessage().lines().findFirst().orElse(""),
                        body.bytesRead());
            }
        }

        private ApiResult<T> fail(FailureReason reason, String detail) {
            return ApiResult.failure(api, statusCode, elapsed(start), reason, detail);
        }
    }

    /**
     * Drops the connection under a body we will not read to its end: closing the stream instead
     * would read all the rest of it, however large.
     */
    private static void abort(HttpEntity entity) {
        try {
            if (entity.getContent() instanceof EofSensorInputStream stream) {
                stream.abort();
            }
        } catch (IOException e) {
            // the connection is gone either way
        }
    }

    public static boolean isSuccess(int status) {
        return status >= 200 && status <= 299;
    }

    private static String statusLine(ClassicHttpResponse response) {
        String location = response.getFirstHeader(HttpHeaders.LOCATION) == null ? ""
                : " redirect to " + response.getFirstHeader(HttpHeaders.LOCATION).getValue() + " not followed";
        return "HTTP " + response.getCode() + location;
    }

    private static FailureReason classify(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return FailureReason.TLS;
            }
            if (cause instanceof InterruptedIOException) { // socket, connect and pool-lease timeouts
                return FailureReason.TIMEOUT;
            }
        }
        return FailureReason.CONNECTION;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof UnknownHostException) {
            return "unknown host " + message;
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static void closeQuietly(ClassicHttpResponse response) {
        try {
            response.close();
        } catch (IOException | RuntimeException e) {
            // the connection is discarded either way
        }
    }

    /** Reads a body into a result; IOExceptions other than parse errors count as transport failures. */
    @FunctionalInterface
    public interface BodyParser<T> {
        T parse(InputStream body) throws IOException;
    }
}
