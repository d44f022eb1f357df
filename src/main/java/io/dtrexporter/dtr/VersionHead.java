package io.dtrexporter.dtr;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.dtrexporter.dtr.model.DtrVersion;
import java.io.IOException;

/**
 * Reads {@code info.version} from the head of docs.json as it arrives, with Jackson's non-blocking
 * tokenizer (UTF-8): the Swagger document has {@code info} near its top. It answers only for the
 * plain case, a top-level {@code info} object whose one {@code version} is a non-blank string, once
 * that object closes; anything else (a body that is no object, {@code info} or {@code version} of
 * another type or missing, {@code version} twice, a token Jackson refuses, another encoding) gives
 * up, and the whole body's parser ({@link ResponseParsers#version}) decides as it always did. What
 * comes after {@code info} is not read, so it is not checked either.
 */
final class VersionHead implements HeadReader<DtrVersion> {
    /** Jackson's defaults, as the whole body's parser has them (nesting and length constraints included). */
    private static final JsonFactory JSON = new JsonFactory();

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    /** How many objects and arrays are open: 1 inside the document. */
    private int depth;
    /** The last key of the document's object, and of its info object. */
    private String topKey;
    private String infoKey;
    private boolean inInfo;
    private String version;
    private DtrVersion answer;

    VersionHead() {
        try {
            parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson has no non-blocking JSON parser", e);
        }
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    @Override
    public Progress read(byte[] bytes, int offset, int length) {
        try {
            feeder.feedInput(bytes, offset, offset + length);
            for (JsonToken token = parser.nextToken(); token != JsonToken.NOT_AVAILABLE; token = parser.nextToken()) {
                Progress progress = take(token);
                if (progress != Progress.MORE) {
                    return progress;
                }
            }
            return Progress.MORE;
        } catch (IOException | RuntimeException e) { // malformed: the whole body's parser says how
            return Progress.GAVE_UP;
        }
    }

    private Progress take(JsonToken token) throws IOException {
        if (token == null) {
            return Progress.GAVE_UP;
        }
        if (depth == 0 && token != JsonToken.START_OBJECT) {
            return Progress.GAVE_UP;
        }
        switch (token) {
            case START_OBJECT, START_ARRAY -> {
                if (isInfo() && token == JsonToken.START_OBJECT) {
                    inInfo = true;
                } else if (isInfo() || isVersion()) {
                    return Progress.GAVE_UP;
                }
                depth++;
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                if (depth == 1 && inInfo) {
                    return infoClosed();
                }
                if (depth == 0) {
                    return Progress.GAVE_UP; // the document ended without info
                }
            }
            case FIELD_NAME -> {
                if (depth == 1) {
                    topKey = parser.currentName();
                } else if (depth == 2 && inInfo) {
                    infoKey = parser.currentName();
                    if (version != null && "version".equals(infoKey)) {
                        return Progress.GAVE_UP; // twice: which one wins is the whole parser's call
                    }
                }
            }
            default -> { // a scalar
                if (isInfo()) {
                    return Progress.GAVE_UP;
                }
                if (isVersion()) {
                    if (token != JsonToken.VALUE_STRING) {
                        return Progress.GAVE_UP;
                    }
                    version = parser.getText();
                }
            }
        }
        return Progress.MORE;
    }

    /** Whether the token just read is the value of the document's info. */
    private boolean isInfo() {
        return depth == 1 && "info".equals(topKey);
    }

    /** Whether it is the value of info.version. */
    private boolean isVersion() {
        return depth == 2 && inInfo && "version".equals(infoKey);
    }

    private Progress infoClosed() {
        if (version == null) {
            return Progress.GAVE_UP;
        }
        try {
            answer = new DtrVersion(new DtrVersion.Info(version));
        } catch (IllegalArgumentException e) { // blank
            return Progress.GAVE_UP;
        }
        return Progress.ANSWERED;
    }

    @Override
    public DtrVersion answer() {
        return answer;
    }
}
