package io.dtrexporter.dtr;

/** A probe target that is not a usable DTR address; the message says what is wrong with it. */
public final class InvalidTargetException extends RuntimeException {
    public InvalidTargetException(String message) {
        super(message);
    }
}
