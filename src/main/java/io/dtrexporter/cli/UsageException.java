package io.dtrexporter.cli;

/** A command line the exporter cannot run with; the message says which flag and why. */
public final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
