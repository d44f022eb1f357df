package io.dtrexporter.web;

/** A request the exporter refuses; the message is the one-line text/plain body the client sees. */
final class HttpError extends RuntimeException {
    private final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
