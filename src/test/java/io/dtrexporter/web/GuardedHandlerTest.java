package io.dtrexporter.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.BlockingHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The last line of defence: our bugs are a 500 and a logged trace; a client hanging up is neither. */
class GuardedHandlerTest {
    private static final Logger SERVER_LOG = Logger.getLogger(ExporterServer.class.getName());
    private final List<LogRecord> errors = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        SERVER_LOG.addHandler(capture);
    }

    @AfterEach
    void release() {
        SERVER_LOG.removeHandler(capture);
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
        assertTrue(errors.isEmpty(), "logged: " + errors.stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void aBugOfOursIsA500AndALoggedTrace() throws Exception {
        HttpResponse<String> response = serve(exchange -> {
            throw new IllegalStateException("a bug");
        });
        assertEquals(500, response.statusCode());
        assertEquals("internal error; the exporter's log has the details\n", response.body());
        assertEquals(1, errors.size());
        assertEquals("a bug", errors.get(0).getThrown().getMessage());
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
