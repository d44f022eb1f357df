package io.dtrexporter.dtr;

import java.io.IOException;
import java.io.InputStream;

/** Reads a body into a model record; parse errors are JsonProcessingExceptions. */
@FunctionalInterface
public interface BodyParser<T> {
    T parse(InputStream body) throws IOException;
}
