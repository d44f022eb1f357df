package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dtrexporter.testing.LogCapture;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The last line of defence: our bugs are a 500 and a logged trace; a client hanging up is neither. */
class GuardedHandlerTest {
    private LogCapture errors;

    @BeforeEach
    void capture() {
        errors = LogCapture.atLeast(Level.SEVERE, ExporterServer.class);
    }

    @AfterEach
    void release() {
        errors.close();
    }

    @Test
    void aClientHangingUpMidAnswerIsNoError() throws Exception {
        HttpResponse<String> response = serve(exchange -> {
            exchange.setStatusCode(200);
            exchange.getOutputStream().write("partial".getBytes());
            exchange.getOutputStream().flush();
            throw new IOException("Broken pipe");
        });
        assertEquals(200, response.statusCode());
        assertTrue(errors.records().isEmpty(), "logged: " + errors.records().stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void aBugOfOursIsA500AndALoggedTrace() throws Exception {
        HttpResponse<String> response = serve(exchange -> {
            throw new IllegalStateException("a bug");
        });
        assertEquals(500, response.statusCode());
        assertEquals("internal error; the exporter's log has the details\n", response.body());
        assertEquals(1, errors.records().size());
        assertEquals("a bug", errors.records().get(0).getThrown().getMessage());
    }

    private static HttpResponse<String> serve(HttpHandler handler) throws Exception {
        Undertow server = Undertow.builder().addHttpListener(0, "127.0.0.1")
                .setHandler(new BlockingHandler(ExporterServer.guarded(handler))).build();
        server.start();
        try {
            int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            server.stop();
        }
    }
}
