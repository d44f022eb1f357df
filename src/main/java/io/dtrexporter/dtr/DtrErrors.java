package io.dtrexporter.dtr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.core5.http.HttpEntity;

/** Reads the message of a DTR error body, {@code {"errors":[{"code":..,"message":..}]}}, for logs. */
final class DtrErrors {
    private static final JsonMapper JSON = new JsonMapper();

    private DtrErrors() {
    }

    /** ": NOT_AUTHORIZED: message", or "" when the body says nothing we understand. */
    static String message(HttpEntity entity, int limit, HttpGet request) {
        if (entity == null) {
            return "";
        }
        try (InputStream body = new LimitedInputStream(entity.getContent(), limit)) {
            JsonNode first = JSON.readTree(body).path("errors").path(0);
            String code = first.path("code").asText("");
            String message = first.path("message").asText("");
            return code.isEmpty() && message.isEmpty() ? "" : ": " + code + (message.isEmpty() ? "" : ": " + message);
        } catch (IOException | RuntimeException e) {
            request.cancel(); // an error page we cannot read: do not drain it to keep the connection
            return "";
        }
    }
}
