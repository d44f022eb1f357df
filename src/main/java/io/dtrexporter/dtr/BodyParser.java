package io.dtrexporter.dtr;

import java.io.IOException;
import java.io.InputStream;

/** Reads a body into a model record; parse errors are JsonProcessingExceptions. */
@FunctionalInterface
public interface BodyParser<T> {
    T parse(InputStream body) throws IOException;

    /**
     * Reads the body of an answer with {@code status} (one of its call's {@link ApiCall#answers}).
     * Most calls read every answer alike; one whose statuses mean different things overrides this.
     */
    default T parse(int status, InputStream body) throws IOException {
        return parse(body);
    }
}
