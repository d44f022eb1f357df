package io.dtrexporter.dtr;

import java.util.Locale;

/** Why one API call failed; the lower-case name is the {@code reason} label of dtr_api_error_info. */
public enum FailureReason {
    TIMEOUT,
    CONNECTION,
    TLS,
    UNAUTHORIZED,
    FORBIDDEN,
    HTTP_STATUS,
    INVALID_RESPONSE,
    TOO_LARGE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
