package io.dtrexporter.dtr;

/**
 * Reads a call's answer from the head of its body while the rest still arrives, for a call whose
 * answer comes early in a large body (docs.json: {@code info.version}, near the top of hundreds of
 * KB). It runs on the reactor thread, so it does only what is cheap and bounded: a streaming
 * tokenizer, no tree, no binding. {@link ReceivedBody} shows it the first {@value ReceivedBody#HEAD_BYTES}
 * bytes at most; a reader that gives up leaves the body to be read whole and parsed as before, so
 * every failure keeps the reason and message that the whole body's parser gives.
 */
public interface HeadReader<T> {
    /** What the bytes so far say. */
    enum Progress {
        /** Not yet known: show me more. */
        MORE,
        /** {@link #answer()} holds the answer; the rest of the body is not needed. */
        ANSWERED,
        /** The head cannot say (malformed, no answer in it, or an unusual shape): read the whole body. */
        GAVE_UP
    }

    /** Takes the body's next {@code length} bytes (following those given before). */
    Progress read(byte[] bytes, int offset, int length);

    /** The answer, once {@link #read} said {@link Progress#ANSWERED}. */
    T answer();
}
