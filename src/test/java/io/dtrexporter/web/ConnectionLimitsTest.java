package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.cli.Main;
import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.ExporterHarness;
import io.dtrexporter.testing.Exposition;
import io.dtrexporter.testing.RawHttp;
import io.dtrexporter.testing.SimulatedDtr;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter's own port against slow and many connections: what each may hold, and for how long. */
class ConnectionLimitsTest {
    @TempDir
    Path dir;

    @Test
    void aClientThatTricklesItsHeadersIsClosedAtTheBound() throws Exception {
        try (Main.Running exporter = start(Duration.ofSeconds(1), Duration.ofSeconds(30))) {
            try (Socket trickle = connect(exporter.port())) {
                byte[] request = "GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
                long start = System.nanoTime();
                boolean closed = false;
                // one byte every 200 ms: the headers would take 9 s, and then never end
                for (int i = 0; !closed && System.nanoTime() - start < Duration.ofSeconds(8).toNanos(); i++) {
                    closed = !sendByte(trickle, request[i % request.length]) || closedByServer(trickle, 200);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                assertTrue(closed, "still open after " + seconds + " s");
                assertTrue(seconds < 5, "closed after " + seconds + " s; the bound is 1 s");
            }
            // a client that sends its request at once is served as before
            try (Socket prompt = connect(exporter.port())) {
                assertEquals("Healthy\n", exchange(prompt, "/-/healthy").body());
            }
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheBound() throws Exception {
        try (Main.Running exporter = start(Duration.ofSeconds(10), Duration.ofSeconds(1));
             Socket client = connect(exporter.port())) {
            assertEquals(200, exchange(client, "/-/healthy").status());
            assertEquals(200, exchange(client, "/-/ready").status(), "kept alive between requests");
            long start = System.nanoTime();
            boolean closed = closedByServer(client, 8000);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(closed, "still open after " + seconds + " s idle");
            assertTrue(seconds < 5, "closed after " + seconds + " s idle; the bound is 1 s");
        }
    }

    @Test
    void connectionsPastTheCapAreRefusedWhileAdmittedOnesStillProbe() throws Exception {
        try (SimulatedDtr dtr = SimulatedDtr.start().serving(Fixtures.CLUSTER_STATUS_HEALTHY, Fixtures.JOBS);
             ExporterHarness exporter = ExporterHarness.start(dir, """
                     modules:
                       default:
                         basic_auth: {username: %s, password: %s}
                         allowed_targets: ["127.0.0.1"]
                         allow_plain_http: true
                     """.formatted(SimulatedDtr.USER, SimulatedDtr.PASSWORD), "--web.max-connections=5")) {
            int port = Integer.parseInt(exporter.url("").replaceAll(".*:(\\d+)$", "$1"));
            String probe = ExporterHarness.probePath(dtr.httpTarget(), "default");
            List<Socket> admitted = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket socket = connect(port);
                    admitted.add(socket);
                    assertEquals(200, exchange(socket, "/-/healthy").status(), "connection " + (i + 1) + " of 5");
                }
                for (int i = 0; i < 3; i++) {
                    assertTrue(refused(port), "connection " + (6 + i) + " was served");
                }
                // the admitted ones probe, and the probe's own sockets to the DTR are not counted
                Answer answer = exchange(admitted.get(0), probe);
                assertEquals(200, answer.status(), answer.body());
                assertEquals(1.0, Exposition.parse(answer.body()).value("dtr_up").orElseThrow());
                assertEquals(200, exchange(admitted.get(4), probe).status());
            } finally {
                for (Socket socket : admitted) {
                    socket.close();
                }
            }
            awaitServed(port); // the places freed are taken again
        }
    }

    private Main.Running start(Duration headersTimeout, Duration idleTimeout) throws IOException {
        Path config = Files.writeString(dir.resolve("exporter.yml"), "modules: {}\n");
        return Main.start(headersTimeout, idleTimeout, "--config.file=" + config, "--web.listen-address=127.0.0.1:0");
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static boolean sendByte(Socket socket, byte b) {
        try {
            socket.getOutputStream().write(b);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false; // reset by the server
        }
    }

    /** Whether the server ends the connection within {@code millis} (and sends nothing). */
    private static boolean closedByServer(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int read = socket.getInputStream().read();
            assertEquals(-1, read, "the server sent something");
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** A request on a refused connection gets no answer: the connection is reset or closed at once. */
    private static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request("/-/healthy"));
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false; // neither served nor refused: what XNIO's own limit does
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static void awaitServed(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try (Socket socket = connect(port)) {
                if (exchange(socket, "/-/healthy").status() == 200) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    record Answer(int status, String body) {
    }

    private static byte[] request(String pathAndQuery) {
        return ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** One request and its answer on a kept-alive connection (answers here have a Content-Length). */
    private static Answer exchange(Socket socket, String pathAndQuery) throws IOException {
        socket.getOutputStream().write(request(pathAndQuery));
        InputStream in = socket.getInputStream();
        String head = RawHttp.readHead(in);
        String[] lines = head.split("\r\n");
        int length = 0;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(lines[0].split(" ")[1]), new String(body, StandardCharsets.UTF_8));
    }
}
