package io.dtrexporter.web;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request's path and query parameters, %-decoded here rather than by Undertow (its DECODE_URL
 * is off, see {@link Listener}): Undertow turns bytes that are not UTF-8 into U+FFFD, and refuses a
 * query over its parameter limit with a 400 that has no Content-Type, which Prometheus 3 rejects.
 * Here a value is UTF-8 or a 400 of ours naming its parameter, and so is the bound on parameters.
 * A {@code %} without two hex digits never gets here: Undertow's request-line parser refuses it
 * with its bare 400 even so (the README lists those answers); the check below is for the tests.
 * What decoded before decodes to the same: {@code +} is a space in the query; {@code %2F} and
 * {@code %5C} stay encoded in the path.
 */
final class RequestUrl {
    /** Undertow's default: a query that had few enough parameters before still has. */
    static final int MAX_PARAMETERS = 1000;
    private static final String TOO_MANY_PARAMETERS = "more than " + MAX_PARAMETERS + " query parameters";
    private static final AttachmentKey<Query> QUERY = AttachmentKey.create(Query.class);
    private static final Query NO_QUERY = new Query(Map.of());

    /** What a part of the URL decodes as. */
    enum Part {
        QUERY(true, false), PATH(false, true);

        private final boolean plusIsSpace;
        private final boolean keepsEncodedSlashes;

        Part(boolean plusIsSpace, boolean keepsEncodedSlashes) {
            this.plusIsSpace = plusIsSpace;
            this.keepsEncodedSlashes = keepsEncodedSlashes;
        }
    }

    /** A query parameter as sent, all its values still encoded; {@link #first} decodes. */
    record Parameter(String name, List<String> encodedValues) {
        int count() {
            return encodedValues.size();
        }

        /** @throws HttpError 400 naming the parameter when its first value does not decode */
        Optional<String> first() {
            if (encodedValues.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(decode(encodedValues.get(0), Part.QUERY).orElseThrow(() -> new HttpError(400,
                    "bad %-encoding in query parameter \"" + name + "\"; encode its value as UTF-8, %XX for each byte")));
        }
    }

    /** The query's parameters by decoded name; a name that does not decode names no parameter we read. */
    private record Query(Map<String, List<String>> encodedValues) {
    }

    private RequestUrl() {
    }

    /**
     * In front of the routes, which then see the decoded path. A path that does not decode names no
     * route (they are all ASCII): 404. A query of more than {@link #MAX_PARAMETERS}: 400.
     */
    static HttpHandler decoding(HttpHandler routes) {
        return exchange -> {
            Optional<Query> query = split(exchange.getQueryString());
            if (query.isEmpty()) {
                Responses.text(exchange, 400, TOO_MANY_PARAMETERS);
                return;
            }
            exchange.putAttachment(QUERY, query.get());
            Optional<String> path = decode(exchange.getRelativePath(), Part.PATH);
            if (path.isEmpty()) {
                Responses.notFound(exchange);
                return;
            }
            exchange.setRequestPath(path.get());
            exchange.setRelativePath(path.get());
            routes.handleRequest(exchange);
        };
    }

    /**
     * The parameter {@code name} of the request's query.
     *
     * @throws HttpError 400 when the query has more than {@link #MAX_PARAMETERS} parameters
     */
    static Parameter parameter(HttpServerExchange exchange, String name) {
        Query query = exchange.getAttachment(QUERY);
        if (query == null) { // a handler run without decoding() in front, as in the tests
            query = split(exchange.getQueryString()).orElseThrow(() -> new HttpError(400, TOO_MANY_PARAMETERS));
        }
        return new Parameter(name, List.copyOf(query.encodedValues().getOrDefault(name, List.of())));
    }

    /**
     * Splits as Undertow did: at {@code &}, name and value at the first {@code =}, a parameter
     * without one has the value "", empty ones do not count. Empty when there are too many.
     */
    private static Optional<Query> split(String query) {
        if (query.isEmpty()) {
            return Optional.of(NO_QUERY);
        }
        Map<String, List<String>> values = new HashMap<>();
        int count = 0;
        for (int start = 0; start < query.length(); ) {
            int end = query.indexOf('&', start);
            end = end < 0 ? query.length() : end;
            if (end > start) {
                if (++count > MAX_PARAMETERS) {
                    return Optional.empty();
                }
                String pair = query.substring(start, end);
                int equals = pair.indexOf('=');
                String encodedValue = equals < 0 ? "" : pair.substring(equals + 1);
                decode(equals < 0 ? pair : pair.substring(0, equals), Part.QUERY).ifPresent(name ->
                        values.computeIfAbsent(name, n -> new ArrayList<>(1)).add(encodedValue));
            }
            start = end + 1;
        }
        return Optional.of(new Query(values));
    }

    /**
     * {@code encoded} decoded strictly: empty when a {@code %} is not followed by two hex digits or
     * the bytes are not UTF-8. Other characters stand for themselves: Undertow's parser makes each
     * byte of the request line one char, and refuses bytes that must be encoded.
     */
    static Optional<String> decode(String encoded, Part part) {
        if (isPlain(encoded, part)) {
            return Optional.of(encoded);
        }
        byte[] bytes = new byte[encoded.length()];
        int length = 0;
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int high = i + 2 < encoded.length() ? hexDigit(encoded.charAt(i + 1)) : -1;
                int low = high < 0 ? -1 : hexDigit(encoded.charAt(i + 2));
                if (low < 0) {
                    return Optional.empty();
                }
                int octet = high << 4 | low;
                if (part.keepsEncodedSlashes && (octet == '/' || octet == '\\')) {
                    bytes[length++] = '%';
                    bytes[length++] = (byte) encoded.charAt(i + 1);
                    bytes[length++] = (byte) encoded.charAt(i + 2);
                } else {
                    bytes[length++] = (byte) octet;
                }
                i += 2;
            } else if (c == '+' && part.plusIsSpace) {
                bytes[length++] = ' ';
            } else if (c > 0xFF) {
                return Optional.empty(); // no byte of a request line
            } else {
                bytes[length++] = (byte) c;
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean isPlain(String encoded, Part part) {
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' || c == '+' && part.plusIsSpace || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** 0 to 15, or -1: ASCII only, unlike {@link Character#digit}, which takes other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
