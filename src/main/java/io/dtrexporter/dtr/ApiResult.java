package io.dtrexporter.dtr;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of one API call: the parsed body when it succeeded, the failure otherwise.
 *
 * @param call       which call it was
 * @param statusCode the HTTP status, 0 when no response arrived
 * @param body       the parsed answer; with a failure, the last answer seen, kept (see {@link #keeping})
 * @param bodyBytes  how much of the body was read, {@link #NOT_READ} when none was
 * @param certificateNotAfter the earliest expiry in the certificate chain the DTR presented (https only)
 * @param reusedFrom when the answer this result repeats was fetched; empty when this probe made the call
 */
public record ApiResult<T>(ApiCall<T> call, int statusCode, Duration duration, Optional<T> body, Optional<Failure> failure,
                           long bodyBytes, Optional<Instant> certificateNotAfter, Optional<Instant> reusedFrom) {
    /** {@link #bodyBytes} when the body was not read. */
    public static final long NOT_READ = -1;

    /**
     * Why the call failed, with a detail for logs (never containing credentials). A detail is cut
     * at {@value #MAX_DETAIL_CHARS} characters: it may quote a DTR's error message, which can fill
     * an error body (64 KiB), and the probe logs and the landing page keep details of many probes.
     */
    public record Failure(FailureReason reason, String detail) {
        public static final int MAX_DETAIL_CHARS = 1000;

        public Failure {
            if (detail.length() > MAX_DETAIL_CHARS) {
                int end = Character.isHighSurrogate(detail.charAt(MAX_DETAIL_CHARS - 1)) ? MAX_DETAIL_CHARS - 1 : MAX_DETAIL_CHARS;
                detail = detail.substring(0, end) + "... (" + (detail.length() - end) + " more characters)";
            }
        }
    }

    public static <T> ApiResult<T> success(ApiCall<T> call, int statusCode, Duration duration, T body) {
        return success(call, statusCode, duration, body, NOT_READ);
    }

    public static <T> ApiResult<T> success(ApiCall<T> call, int statusCode, Duration duration, T body, long bodyBytes) {
        return new ApiResult<>(call, statusCode, duration, Optional.of(body), Optional.empty(), bodyBytes,
                Optional.empty(), Optional.empty());
    }

    public static <T> ApiResult<T> failure(ApiCall<T> call, int statusCode, Duration duration,
                                           FailureReason reason, String detail) {
        return failure(call, statusCode, duration, reason, detail, NOT_READ);
    }

    public static <T> ApiResult<T> failure(ApiCall<T> call, int statusCode, Duration duration,
                                           FailureReason reason, String detail, long bodyBytes) {
        return new ApiResult<>(call, statusCode, duration, Optional.empty(), Optional.of(new Failure(reason, detail)),
                bodyBytes, Optional.empty(), Optional.empty());
    }

    /** The same outcome, knowing the DTR's certificate chain expiry. */
    public ApiResult<T> withCertificateNotAfter(Optional<Instant> notAfter) {
        return new ApiResult<>(call, statusCode, duration, body, failure, bodyBytes, notAfter, reusedFrom);
    }

    /**
     * This failed call, still carrying an answer seen before, whose figures are exported meanwhile
     * (the DTR's version does not change because one fetch of it failed).
     */
    public ApiResult<T> keeping(T lastSeen) {
        return new ApiResult<>(call, statusCode, duration, Optional.of(lastSeen), failure, bodyBytes,
                certificateNotAfter, reusedFrom);
    }

    /**
     * This successful answer, given again by a later probe that did not make the call: no time spent,
     * nothing read, and no certificate, which the calls made now report as it is now.
     */
    public ApiResult<T> reused(Instant fetched) {
        return new ApiResult<>(call, statusCode, Duration.ZERO, body, failure, NOT_READ, Optional.empty(),
                Optional.of(fetched));
    }

    /** The call's {@code api} label. */
    public String api() {
        return call.label();
    }

    public boolean succeeded() {
        return failure.isEmpty();
    }
}
