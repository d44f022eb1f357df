package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.URLUtils;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exporter's own %-decoding: strict where Undertow's decoder was lenient, and the same values
 * as before for everything that decoded before, Undertow's parser with its defaults being the oracle.
 */
class RequestUrlTest {
    /** What Undertow's decoder took: each case alone, then mixed at random. */
    private static final List<String> QUERIES = List.of(
            "target=https%3A%2F%2Fdtr.example.com%3A4443%2Fprefix&module=prod",
            "target=a+b&module=no+such", "module=a%2Bb", "module=%C3%A9%E2%82%AC%F0%9F%98%80",
            "module=%c3%a9", "target=1&target=2&target=3", "debug", "debug=", "=v", "=", "w==", "a=b=c",
            "&&id=1&&", "a+b=c+d", "%74arget=x&mod%75le=y", "x=%2F%5C%3F%26%3D%25%2B", "x=a/b?c:d@e",
            "x=!$'()*,;", "x=%00%09%7F", "x=-._~", "id=1&id=2", "");
    private static final List<String> PATHS = List.of("/probe", "/pro%62e", "/a+b/%2F%5c/c", "/%E2%82%AC",
            "/-/healthy", "/%2e%2e/x", "/a%20b", "/");
    private static final String[] PIECES = {"a", "Z", "0", "-", ".", "_", "~", "!", "$", "'", "(", ")", "*", ",",
            ";", ":", "@", "/", "?", "+", "=", "&", "%2B", "%26", "%3D", "%20", "%2F", "%2f", "%5C", "%25", "%00",
            "%C3%A9", "%c3%a9", "%E2%82%AC", "%F0%9F%98%80", "%7F", "%41"};

    @ParameterizedTest
    @ValueSource(strings = {"%ff", "%C3", "%C3%28", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%FE%FF", "%zz", "%4",
            "%", "a%f", "%4g", "%\u0663\u0663", "\u20ac"})
    void aSequenceThatIsNotUtf8OrNotPercentAndTwoHexDigitsDoesNotDecode(String encoded) {
        assertEquals(Optional.empty(), RequestUrl.decode(encoded, RequestUrl.Part.QUERY), encoded);
        assertEquals(Optional.empty(), RequestUrl.decode(encoded, RequestUrl.Part.PATH), encoded);
    }

    @Test
    void aValueThatDoesNotDecodeIsA400NamingItsParameter() {
        HttpError error = assertThrows(HttpError.class,
                () -> parameter("target=%ff&module=default", "target").first());
        assertEquals(400, error.status());
        assertEquals("bad %-encoding in query parameter \"target\"; encode its value as UTF-8, %XX for each byte",
                error.getMessage());
        // the others are read as ever; of a repeated one only the first is read, as LogsPage did
        assertEquals(Optional.of("default"), parameter("target=%ff&module=default", "module").first());
        assertEquals(Optional.of("1"), parameter("id=1&id=%ff", "id").first());
        assertEquals(2, parameter("id=1&id=%ff", "id").count());
        // a name that does not decode is a parameter no handler reads, as an unknown name is
        assertEquals(0, parameter("targ%ff=x", "targ\ufffd").count());
    }

    @Test
    void moreThan1000ParametersIsA400AndEmptyOnesDoNotCount() {
        String thousand = IntStream.range(0, 1000).mapToObj(i -> "p" + i + "=").collect(Collectors.joining("&"));
        assertEquals(Optional.of(""), parameter(thousand + "&&&", "p999").first());
        HttpError error = assertThrows(HttpError.class, () -> parameter(thousand + "&target=x", "target"));
        assertEquals(400, error.status());
        assertEquals("more than 1000 query parameters", error.getMessage());
    }

    @Test
    void decodesEveryWellFormedStringAsUndertowsDecoderDid() {
        Random random = new Random(17);
        List<String> strings = new ArrayList<>(QUERIES);
        strings.addAll(PATHS);
        for (int i = 0; i < 5000; i++) {
            strings.add(randomEncoded(random));
        }
        StringBuilder buffer = new StringBuilder();
        for (String encoded : strings) {
            // as its parser called it for a query parameter, and for the path (no %2F or %5C decoded)
            assertEquals(Optional.of(URLUtils.decode(encoded, "UTF-8", true, true, buffer)),
                    RequestUrl.decode(encoded, RequestUrl.Part.QUERY), encoded);
            assertEquals(Optional.of(URLUtils.decode(encoded, "UTF-8", false, false, buffer)),
                    RequestUrl.decode(encoded, RequestUrl.Part.PATH), encoded);
        }
    }

    @Test
    void readsEveryWellFormedRequestAsUndertowsParserDid() throws IOException {
        Undertow before = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> exchange.getResponseSender().send(dump(exchange.getRelativePath(),
                        firstValues(exchange.getQueryParameters()))))
                .build();
        before.start();
        try {
            int port = ((InetSocketAddress) before.getListenerInfo().get(0).getAddress()).getPort();
            Random random = new Random(3);
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < PATHS.size() * QUERIES.size(); i++) {
                targets.add(PATHS.get(i % PATHS.size()) + "?" + QUERIES.get(i / PATHS.size()));
            }
            for (int i = 0; i < 200; i++) {
                // No path parameters (;): Undertow cuts them from the path the exporter sees. No query that
                // starts with ?, the one difference: getQueryString() drops it, so ??id=1 is id=1 now, ?id before.
                targets.add("/" + randomEncoded(random).replace("?", "%3F").replace(";", "%3B") + "?"
                        + randomEncoded(random).replaceFirst("^\\?", "%3F"));
            }
            for (String target : targets) {
                String path = target.substring(0, target.indexOf('?'));
                HttpServerExchange exchange = new HttpServerExchange(null).setQueryString(target.substring(path.length() + 1));
                String theirs = get(port, target);
                Map<String, String> ours = new TreeMap<>(); // for the names Undertow found
                for (String name : namesIn(theirs)) {
                    RequestUrl.Parameter parameter = RequestUrl.parameter(exchange, name);
                    ours.put(name, parameter.count() + " " + parameter.first().orElse("(none)"));
                }
                assertEquals(theirs, dump(RequestUrl.decode(path, RequestUrl.Part.PATH).orElseThrow(), ours), target);
            }
        } finally {
            before.stop();
        }
    }

    private static RequestUrl.Parameter parameter(String query, String name) {
        return RequestUrl.parameter(new HttpServerExchange(null).setQueryString(query), name);
    }

    /** Pieces that each decode: what clients send, delimiters and multi-byte UTF-8 included. */
    private static String randomEncoded(Random random) {
        StringBuilder encoded = new StringBuilder();
        for (int i = random.nextInt(12); i >= 0; i--) {
            encoded.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return encoded.toString().replace("?", random.nextBoolean() ? "?" : "%3F");
    }

    private static Map<String, String> firstValues(Map<String, Deque<String>> parameters) {
        Map<String, String> values = new TreeMap<>();
        parameters.forEach((name, all) -> values.put(name, all.size() + " " + all.getFirst()));
        return values;
    }

    /** One line per thing read, each string in Base64 so that any character survives. */
    private static String dump(String path, Map<String, String> parameters) {
        StringBuilder text = new StringBuilder("path ").append(base64(path)).append('\n');
        parameters.forEach((name, countAndFirst) -> text.append("parameter ").append(base64(name)).append(' ')
                .append(countAndFirst.substring(0, countAndFirst.indexOf(' '))).append(' ')
                .append(base64(countAndFirst.substring(countAndFirst.indexOf(' ') + 1))).append('\n'));
        return text.toString();
    }

    private static List<String> namesIn(String dump) {
        return dump.lines().filter(line -> line.startsWith("parameter "))
                .map(line -> new String(Base64.getDecoder().decode(line.split(" ")[1]), StandardCharsets.UTF_8))
                .toList();
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The body of a GET sent byte for byte as given, as no HTTP client would fix it up. */
    private static String get(int port, String target) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals("HTTP/1.1 200 OK", answer.lines().findFirst().orElse(""), target);
            return answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }
}
