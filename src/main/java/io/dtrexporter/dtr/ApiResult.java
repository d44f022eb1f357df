package io.dtrexporter.dtr;

import java.time.Duration;
import java.util.Optional;

/**
 * The outcome of one API call: the parsed body when it succeeded, the failure otherwise.
 *
 * @param statusCode the HTTP status, 0 when no response arrived
 */
public record ApiResult<T>(DtrApi api, int statusCode, Duration duration, Optional<T> body, Optional<Failure> failure) {

    /** Why the call failed, with a detail for logs (never containing credentials). */
    public record Failure(FailureReason reason, String detail) {
    }

    public static <T> ApiResult<T> success(DtrApi api, int statusCode, Duration duration, T body) {
        return new ApiResult<>(api, statusCode, duration, Optional.of(body), Optional.empty());
    }

    public static <T> ApiResult<T> failure(DtrApi api, int statusCode, Duration duration,
                                           FailureReason reason, String detail) {
        return new ApiResult<>(api, statusCode, duration, Optional.empty(), Optional.of(new Failure(reason, detail)));
    }

    public boolean succeeded() {
        return body.isPresent();
    }
}
