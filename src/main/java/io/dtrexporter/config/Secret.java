package io.dtrexporter.config;

/**
 * A value that must never be printed: its {@code toString()} is {@code <secret>}, so a record that
 * holds one can be logged or shown without leaking it.
 */
public record Secret<T>(T value) {
    public static final String MASK = "<secret>";

    @Override
    public String toString() {
        return MASK;
    }
}
