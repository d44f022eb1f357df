package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.RawHttp;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests sent byte for byte, as no HTTP client would fix them up: a URL that does not decode and
 * a query of too many parameters get a 400 (a path, a 404) of ours, with a Content-Type and the
 * parameter named, where Undertow's parser answered 400 without either; correct ones probe as before.
 * What the parser itself refuses still gets its bare 400, as the README says.
 */
class MalformedRequestTest {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String BAD_ENCODING = "bad %%-encoding in query parameter \"%s\"; encode its value as UTF-8,"
            + " %%XX for each byte";

    @TempDir
    static Path dir;
    static SimulatedDtr dtr;
    static ExporterHarness exporter;
    static String target;

    @BeforeAll
    static void start() {
        dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
        exporter = ExporterHarness.start(dir, """
                modules:
                  default:
                    basic_auth: {username: %s, password: %s}
                    allowed_targets: [127.0.0.1]
                    allow_plain_http: true
                """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD));
        target = URLEncoder.encode(dtr.httpTarget(), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        exporter.close();
        dtr.close();
    }

    record Answer(int status, List<String> contentTypes, String body) {
        String firstLine() {
            return body.lines().findFirst().orElse("");
        }
    }

    @Test
    void aValueThatIsNotUtf8IsOur400NamingItsParameter() throws IOException {
        assertOurs(400, BAD_ENCODING.formatted("target"), get("/probe?target=%ff&module=default"));
        assertOurs(400, BAD_ENCODING.formatted("module"), get("/probe?target=" + target + "&module=%C3"));
        assertOurs(400, BAD_ENCODING.formatted("debug"), get("/probe?target=" + target + "&debug=%C0%AF"));
        assertOurs(400, BAD_ENCODING.formatted("id"), get("/logs?id=%ED%A0%80"));
    }

    @Test
    void moreThan1000ParametersIsOur400AtEveryEndpoint() throws IOException {
        String thousand = IntStream.range(0, 999).mapToObj(i -> "p" + i + "=1").collect(Collectors.joining("&"));
        for (String path : List.of("/probe", "/metrics", "/", "/nope")) {
            assertOurs(400, "more than 1000 query parameters", get(path + "?target=" + target + "&p=1&" + thousand));
        }
        Answer probe = get("/probe?target=" + target + "&" + thousand);
        assertEquals(200, probe.status(), probe.body());
        assertEquals(1.0, Exposition.parse(probe.body()).get("dtr_up"), "1000 parameters, the most, probe");
    }

    @Test
    void aPathThatIsNotUtf8IsOur404() throws IOException {
        assertOurs(404, "not found; see / for the endpoints", get("/probe%ff?target=" + target));
        assertOurs(404, "not found; see / for the endpoints", get("/%C3"));
    }

    @Test
    void aCorrectRequestProbesAsBeforeHoweverItIsEncoded() throws IOException {
        for (String request : List.of("/probe?target=" + target, "/probe?target=" + target + "&module=default",
                "/pro%62e?%74arget=" + target.replace("127", "%31%327") + "&module=defaul%74",
                "/probe?target=" + target + "&module=", "/probe?target=" + target + "&module&&")) {
            Answer answer = get(request);
            assertEquals(200, answer.status(), request + ": " + answer.body());
            assertEquals(1.0, Exposition.parse(answer.body()).get("dtr_up"), request);
        }
        // + is a space, %2B a +, UTF-8 of several bytes one character; a repeated parameter is refused as before
        assertOurs(400, "unknown module \"no such\"", get("/probe?target=" + target + "&module=no+such"));
        assertOurs(400, "unknown module \"a+b\"", get("/probe?target=" + target + "&module=a%2Bb"));
        assertOurs(400, "unknown module \"é€😀\"", get("/probe?target=" + target + "&module=%C3%A9%E2%82%AC%F0%9F%98%80"));
        assertOurs(400, "module parameter given 2 times; give it once",
                get("/probe?target=" + target + "&module=default&module=default"));
        assertOurs(404, "no probe log with id \"1 \" (only the recent ones are kept; /logs lists them)",
                get("/logs?id=1+&id=%ff"));
    }

    /** The README lists them: requests Undertow's parser refuses before any handler of ours runs. */
    @Test
    void whatTheHttpParserRefusesStillGetsItsBare400() throws IOException {
        List<String> heads = new ArrayList<>(List.of(
                "GET /probe?target=%zz&module=default HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET /probe?target=%4 HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET /pro%zzbe HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET /probe?target=\u00e9 HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "X-Header: 1\r\n".repeat(200),
                "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(Listener.MAX_REQUEST_HEAD) + "\r\n",
                "GET /metrics HTTP/1.1\r\n",
                "GET /metrics\r\nHost: 127.0.0.1\r\n"));
        for (String head : heads) {
            Answer answer = send(head + "Connection: close\r\n\r\n");
            assertEquals(new Answer(400, List.of(), ""), answer, head.lines().findFirst().orElseThrow());
        }
        // a head just under the bound is served
        String big = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(Listener.MAX_REQUEST_HEAD - 100);
        assertEquals(200, send(big + "\r\nConnection: close\r\n\r\n").status());
    }

    private static void assertOurs(int status, String message, Answer answer) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals(List.of(TEXT), answer.contentTypes());
        assertEquals(message, answer.firstLine());
    }

    private static Answer get(String target) throws IOException {
        return send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    }

    /** The request's bytes as they are (each char one byte), and the answer up to the server's close. */
    private static Answer send(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), exporter.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String head = RawHttp.readHead(in);
            List<String> lines = head.lines().toList();
            List<String> contentTypes = lines.stream().filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                    .map(line -> line.substring("content-type:".length()).strip()).toList();
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(Integer.parseInt(lines.get(0).split(" ")[1]), contentTypes, body);
        }
    }
}
