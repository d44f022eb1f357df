package io.dtrexporter.dtr;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/** Reads the message of a DTR error body, {@code {"errors":[{"code":..,"message":..}]}}, for logs. */
final class DtrErrors {
    private static final JsonMapper JSON = JsonMapper.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

    private DtrErrors() {
    }

    /** ": NOT_AUTHORIZED: message", or "" when the body says nothing we understand. */
    static String message(byte[] body, int length) {
        if (length == 0) {
            return "";
        }
        try {
            JsonNode first = JSON.readTree(body, 0, length).path("errors").path(0);
            String code = first.path("code").asText("");
            String message = first.path("message").asText("");
            return code.isEmpty() && message.isEmpty() ? "" : ": " + code + (message.isEmpty() ? "" : ": " + message);
        } catch (IOException | RuntimeException e) {
            return ""; // an error page we cannot read
        }
    }
}
