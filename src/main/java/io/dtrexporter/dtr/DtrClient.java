package io.dtrexporter.dtr;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.dtrexporter.config.ModuleConfig;
import io.dtrexporter.work.DeadlineExecutor;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.async.methods.SimpleRequestProducer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolStats;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The DTR API client of one module: one pooled async HttpClient, built when the module loads and
 * reused by every probe of that module (keep-alive, TLS sessions, HTTP/2 where the DTR offers it).
 * No thread waits for a DTR: the reactor threads read the answers, the CPU pool parses them. A call
 * never fails its future: it completes with an {@link ApiResult} that says what happened, by its
 * deadline at the latest.
 */
public final class DtrClient implements Closeable {
    /** Bodies above this size fail with too_large; reading stops there. */
    public static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    /**
     * Over HTTP/1.1 a probe's calls share two connections per DTR, kept alive across probes:
     * cluster_status on one while the small calls run one after another on the other, so a probe
     * takes about as long as its slowest call. Over HTTP/2 one connection carries them all at once.
     */
    public static final int MAX_CONNECTIONS_PER_TARGET = 2;
    /** Two connections for each of 1,000 DTRs, and some room; an idle one costs a few KB (see below). */
    public static final int MAX_CONNECTIONS = 2048;
    private static final int MAX_HTTP2_ROUTES = 10_000;
    private static final TimeValue IDLE_EVICTION = TimeValue.ofMinutes(2);
    /**
     * How often a reactor thread checks its connections' timeouts (HttpClient's default: 1 s), and so
     * how late past its timeout a connection may close.
     */
    private static final TimeValue TIMEOUT_CHECKS = TimeValue.ofMilliseconds(100);
    /**
     * A new connection's timeout until the pool gives it the module's, right after connect or TLS
     * (in the same callback). It only ever applies to a connection that a deadline's cancel orphaned
     * mid-connect (HttpCore then completes a session nobody takes): with the module's timeout such a
     * socket stayed open 5.1 s past a 1 s deadline, seen in about one run in six on a loaded machine;
     * with 1 s, it stayed open 1 s after its probe had answered (DtrConnectionsTest).
     */
    private static final Timeout UNCLAIMED_CONNECTION_TIMEOUT = Timeout.ofMilliseconds(200);
    /**
     * Each HTTP/1.1 connection keeps buffers of this size for its whole life (8 KiB by default). A
     * DTR's status and header lines are a few hundred bytes; lines up to 8 KiB still parse.
     */
    private static final int CONNECTION_BUFFER_BYTES = 2048;

    /** What every client shares: the alarms that end calls at their deadline, and the CPU pool. */
    public record Shared(String userAgent, ScheduledExecutorService deadlines, DeadlineExecutor cpu, HostLookups lookups) {
        public Shared(String userAgent, ScheduledExecutorService deadlines, DeadlineExecutor cpu) {
            this(userAgent, deadlines, cpu, new HostLookups());
        }
    }

    private final PoolingAsyncClientConnectionManager pool;
    private final CloseableHttpAsyncClient http;
    private final Optional<String> authorization;
    private final Shared shared;
    private final boolean caFileSet;
    /** Routes given a limit of their own; targets come from query parameters, so this stays bounded. */
    private final AtomicInteger http2Routes = new AtomicInteger();

    public DtrClient(ModuleConfig module, Shared shared) {
        this.shared = shared;
        this.caFileSet = !module.tls().trustedCas().isEmpty();
        // Each call brings its own timeouts (DeadlineContext); these only bound a connection's life between calls.
        Timeout timeout = Timeout.of(module.timeout().plusMillis(DeadlineContext.BACKSTOP_MILLIS));
        this.pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(TlsContexts.strategy(module.tls()))
                .setDnsResolver(shared.lookups()) // answers at once: each call looked its host up first
                .setDefaultTlsConfig(org.apache.hc.client5.http.config.TlsConfig.custom()
                        .setVersionPolicy(HttpVersionPolicy.NEGOTIATE) // h2 when ALPN says so, else HTTP/1.1
                        .build()) // no handshake timeout of its own: a handshake takes the call's connect timeout
                .setMessageMultiplexing(true) // an HTTP/2 connection carries all the calls to its DTR
                .setMaxConnPerRoute(MAX_CONNECTIONS_PER_TARGET)
                .setMaxConnTotal(MAX_CONNECTIONS)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout)
                        .setSocketTimeout(timeout)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        this.http = HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setIOReactorConfig(IOReactorConfig.custom()
                        .setIoThreadCount(Runtime.getRuntime().availableProcessors())
                        .setSelectInterval(TIMEOUT_CHECKS)
                        .setSoTimeout(UNCLAIMED_CONNECTION_TIMEOUT)
                        .build())
                .setHttp1Config(Http1Config.custom().setBufferSize(CONNECTION_BUFFER_BYTES).build())
                .setIoSessionDecorator(new SlicedTlsInput()) // so that the buffers keep that size over TLS
                .setH2Config(H2Config.custom().setPushEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .evictIdleConnections(IDLE_EVICTION)
                .evictExpiredConnections()
                .setUserAgent(shared.userAgent())
                .build();
        http.start();
        // Preemptive: DTR answers 401 without a challenge worth a second round trip.
        this.authorization = module.basicAuth().map(auth -> "Basic " + Base64.getEncoder().encodeToString(
                (auth.username() + ":" + auth.password().value()).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Calls {@code pathAndQuery} on the target. The future completes by {@code deadlineNanos}
     * (System.nanoTime) at the latest: then whatever is still running is cancelled, which gives its
     * connection up, and the result says timeout.
     */
    public <T> CompletableFuture<ApiResult<T>> call(Target target, ApiCall<T> call, String pathAndQuery,
                                                    long deadlineNanos) {
        return new Exchange<>(call, target, deadlineNanos).start(pathAndQuery);
    }

    /**
     * Whether the pool holds a connection to the target, in use or idle. A probe of a target it does
     * not makes one call first and the others once that one is done, so that they find the
     * connection made (and over HTTP/2 share it) instead of all opening their own at once.
     */
    public boolean connected(Target target) {
        PoolStats stats = pool.getStats(route(target));
        return stats.getLeased() + stats.getAvailable() > 0;
    }

    /**
     * Over HTTP/2 one connection carries every call to a DTR. HttpClient shares it only once a lease
     * has been marked shareable, so two calls that lease at the same moment could open a second
     * connection (seen in 1 of 3 full test runs); a limit of one for such a DTR closes that gap, and
     * an HTTP/1.1 answer (the DTR or its proxy changed) gives back the two.
     */
    private void limitConnections(Target target, boolean http2) {
        int wanted = http2 ? 1 : MAX_CONNECTIONS_PER_TARGET;
        HttpRoute route = route(target);
        if (pool.getMaxPerRoute(route) != wanted && (!http2 || http2Routes.incrementAndGet() <= MAX_HTTP2_ROUTES)) {
            pool.setMaxPerRoute(route, wanted);
        }
    }

    private static HttpRoute route(Target target) {
        return new HttpRoute(new HttpHost(target.scheme(), target.host(), target.port()), null, target.isHttps());
    }

    public PoolStats poolStats() {
        return pool.getTotalStats();
    }

    @Override
    public void close() {
        http.close(CloseMode.GRACEFUL);
    }

    /** One call: the request, what came back, and the one outcome that wins. */
    private final class Exchange<T> implements FutureCallback<ReceivedBody<T>> {
        private final ApiCall<T> call;
        private final Target target;
        private final long deadline;
        private final long start = System.nanoTime();
        private final HttpClientContext context;
        private final CompletableFuture<ApiResult<T>> outcome = new CompletableFuture<>();
        private ReceivedBody<T> received;
        /** The exchange HttpClient runs, once the host is looked up; null before. */
        private volatile Future<ReceivedBody<T>> running;

        Exchange(ApiCall<T> call, Target target, long deadline) {
            this.call = call;
            this.target = target;
            this.deadline = deadline;
            this.context = new DeadlineContext(deadline);
        }

        CompletableFuture<ApiResult<T>> start(String pathAndQuery) {
            URI uri;
            try {
                uri = target.resolve(pathAndQuery);
            } catch (IllegalArgumentException e) {
                // Target.parse should have refused such a target; if not, this probe fails, not the exporter
                return CompletableFuture.completedFuture(ApiResult.failure(call, 0, elapsed(), FailureReason.CONNECTION,
                        "cannot make a request URL for " + target + ": " + e.getMessage()));
            }
            if (deadline - System.nanoTime() <= 0) { // e.g. a call that waited for another that ran out the time
                return CompletableFuture.completedFuture(ApiResult.failure(call, 0, elapsed(), FailureReason.TIMEOUT,
                        "no time left for the call within the probe's deadline"));
            }
            SimpleRequestBuilder request = SimpleRequestBuilder.get(uri).setHeader(HttpHeaders.ACCEPT, "application/json");
            authorization.ifPresent(value -> request.setHeader(HttpHeaders.AUTHORIZATION, value));
            received = new ReceivedBody<>(call.answers(), MAX_BODY_BYTES, MAX_ERROR_BODY_BYTES,
                    call.head().map(Supplier::get).orElse(null), this::headAnswered, this::passedTheLimitOverHttp2);
            ScheduledFuture<?> alarm = shared.deadlines().schedule(() -> {
                if (finish(ApiResult.failure(call, received.status(), elapsed(), FailureReason.TIMEOUT,
                        "no complete answer within the probe's deadline"))) {
                    cancelRunning();
                }
            }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            outcome.whenComplete((result, error) -> alarm.cancel(false));
            shared.lookups().lookUp(target.host()).whenComplete((found, lookupFailure) -> {
                if (lookupFailure != null) {
                    failed(lookupFailure instanceof Exception e ? e : new IllegalStateException(lookupFailure));
                } else if (!outcome.isDone()) { // the deadline may have passed during the lookup
                    send(request);
                }
            });
            return outcome;
        }

        private void send(SimpleRequestBuilder request) {
            try {
                running = http.execute(SimpleRequestProducer.create(request.build()), received, null, context, this);
            } catch (RuntimeException e) { // a closed client (a retired pool after the stop) refuses at once
                failed(e);
                return;
            }
            if (outcome.isDone()) { // the deadline came while execute ran
                running.cancel(true);
            }
        }

        /** The whole answer is in: parse it on the CPU pool, unless the deadline passed meanwhile. */
        @Override
        public void completed(ReceivedBody<T> body) {
            limitConnections(target, body.http2());
            shared.cpu().execute(deadline, () -> finish(interpret(body)), () -> finish(ApiResult.failure(call,
                    body.status(), elapsed(), FailureReason.TIMEOUT, "no time left to read the answer within the probe's deadline")));
        }

        @Override
        public void failed(Exception e) {
            ReceivedBody<T> body = received;
            if (body != null && body.overLimit()) {
                finish(overLimitFailure(body));
                return;
            }
            finish(ApiResult.failure(call, body == null ? 0 : body.status(), elapsed(), classify(e), describe(e)));
        }

        @Override
        public void cancelled() {
            // only the deadline, headAnswered and passedTheLimitOverHttp2 cancel, and they have already set the outcome
        }

        /**
         * Over HTTP/2 a body past its limit fails its call as over HTTP/1.1, and cancelling resets
         * only its stream: a failed exchange would close the connection under the other calls on it.
         */
        private void passedTheLimitOverHttp2() {
            if (finish(overLimitFailure(received))) {
                cancelRunning();
            }
        }

        private ApiResult<T> overLimitFailure(ReceivedBody<T> body) {
            return body.answered()
                    ? ApiResult.failure(call, body.status(), elapsed(), FailureReason.TOO_LARGE, tooLarge(body),
                            body.size() + 1L)
                    : statusFailure(body, ""); // an error page too long to be worth reading
        }

        /**
         * The head of the body told the answer before the body ended: the call is done, and the rest
         * is not wanted. Over HTTP/2 cancelling resets only the stream. Over HTTP/1.1 it would close
         * the connection, and the DTR's next probe would pay a new TLS handshake for it: so a rest of
         * up to ReceivedBody.MAX_DROPPED_BYTES is read and dropped (docs.json: a few hundred KB, once
         * in 30 minutes), and the connection goes back to the pool; a longer rest, or one still coming
         * at the probe's deadline, is cut by the cancel.
         */
        private void headAnswered() {
            ReceivedBody<T> body = received;
            limitConnections(target, body.http2());
            if (!finish(ApiResult.success(call, body.status(), elapsed(), body.headAnswer(), body.size()))) {
                return;
            }
            if (body.http2() || !body.restIsDropped()) {
                cancelRunning();
            } else {
                shared.deadlines().schedule(this::cancelRunning, Math.max(0, deadline - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            }
        }

        /**
         * Ends the exchange HttpClient runs, whose outcome is set: over HTTP/1.1 that closes the
         * connection, over HTTP/2 it resets only the stream. Before the exchange runs there is none
         * to cancel, and send() cancels it, seeing the outcome done. Cancelling an exchange that
         * has completed does nothing.
         */
        private void cancelRunning() {
            Future<ReceivedBody<T>> sent = running;
            if (sent != null) {
                sent.cancel(true);
            }
        }

        private boolean finish(ApiResult<T> result) {
            return outcome.complete(result.withCertificateNotAfter(certificateNotAfter()));
        }

        private ApiResult<T> interpret(ReceivedBody<T> body) {
            if (!body.answered()) {
                return statusFailure(body, DtrErrors.message(body.bytes(), body.size()));
            }
            if (body.headAnswer() != null) { // whole as its head told it: the same answer as when the rest is cut
                return ApiResult.success(call, body.status(), elapsed(), body.headAnswer(), body.size());
            }
            if (!body.hasBody()) {
                return ApiResult.failure(call, body.status(), elapsed(), FailureReason.INVALID_RESPONSE, "empty body");
            }
            try {
                T parsed = call.parser().parse(body.status(), new ByteArrayInputStream(body.bytes(), 0, body.size()));
                return ApiResult.success(call, body.status(), elapsed(), parsed, body.size());
            } catch (JsonProcessingException e) {
                String type = body.contentType() == null ? "no Content-Type" : body.contentType();
                return ApiResult.failure(call, body.status(), elapsed(), FailureReason.INVALID_RESPONSE,
                        "not the expected JSON (" + type + "): " + e.getOriginalMessage().lines().findFirst().orElse(""),
                        body.size());
            } catch (IOException | RuntimeException e) {
                return ApiResult.failure(call, body.status(), elapsed(), classify(e), describe(e), body.size());
            }
        }

        private ApiResult<T> statusFailure(ReceivedBody<T> body, String message) {
            FailureReason reason = switch (body.status()) {
                case 401 -> FailureReason.UNAUTHORIZED;
                case 403 -> FailureReason.FORBIDDEN;
                default -> FailureReason.HTTP_STATUS;
            };
            String location = body.location() == null ? "" : " redirect to " + body.location() + " not followed";
            return ApiResult.failure(call, body.status(), elapsed(), reason, "HTTP " + body.status() + location + message);
        }

        private String tooLarge(ReceivedBody<T> body) {
            return body.declaredLength() > body.limit()
                    ? "Content-Length " + body.declaredLength() + " is above the limit of " + body.limit() + " bytes"
                    : new BodyTooLargeException(body.limit()).getMessage();
        }

        /** From the TLS session the exchange ran on, new or reused; empty for http or a failed handshake. */
        private Optional<Instant> certificateNotAfter() {
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

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }
    }

    private static FailureReason classify(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return FailureReason.TLS;
            }
            if (cause instanceof InterruptedIOException || cause instanceof TimeoutException
                    || cause instanceof CancellationException) {
                return FailureReason.TIMEOUT; // connect, socket and pool-lease timeouts
            }
        }
        return FailureReason.CONNECTION;
    }

    private String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof UnknownHostException) {
            return "unknown host " + message;
        }
        return (message == null ? e.getClass().getSimpleName() : message)
                + TlsHints.hint(e, caFileSet).map(hint -> "; " + hint).orElse("");
    }
}
