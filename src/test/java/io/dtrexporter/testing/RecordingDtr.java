package io.dtrexporter.testing;

import io.dtrexporter.demo.Fixtures;
import io.dtrexporter.testing.TestCertificates.Issued;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A DTR over TLS that serves the healthy fixtures, offering HTTP/2 by ALPN or not, and records which
 * protocol and which client connection carried each request: what the exporter's pool did, seen
 * from the DTR's side. (MockServer does not say which connection a request came on.)
 */
public final class RecordingDtr implements AutoCloseable {
    /** One request as the DTR saw it; {@code connection} is the client's address and port. */
    public record Seen(String protocol, String connection, String path) {
    }

    private final Undertow undertow;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Map<String, HttpHandler> answers = new ConcurrentHashMap<>();

    private RecordingDtr(Issued certificate, boolean offerHttp2) {
        this.undertow = Undertow.builder()
                .addHttpsListener(0, "127.0.0.1", sslContext(certificate))
                .setServerOption(UndertowOptions.ENABLE_HTTP2, offerHttp2)
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(this::answer)
                .build();
        undertow.start();
    }

    /** @param certificate the server certificate, for the name {@code localhost} */
    public static RecordingDtr start(Issued certificate, boolean offerHttp2) {
        return new RecordingDtr(certificate, offerHttp2);
    }

    /** Answers {@code path} with {@code handler} instead of a fixture (still recorded). */
    public RecordingDtr answer(String path, HttpHandler handler) {
        answers.put(path, handler);
        return this;
    }

    public String target() {
        return "https://localhost:" + ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    public List<Seen> requests() {
        return List.copyOf(seen);
    }

    public Set<String> protocols() {
        Set<String> protocols = new TreeSet<>();
        seen.forEach(request -> protocols.add(request.protocol()));
        return protocols;
    }

    public Set<String> connections() {
        Set<String> connections = new TreeSet<>();
        seen.forEach(request -> connections.add(request.connection()));
        return connections;
    }

    @Override
    public void close() {
        undertow.stop();
    }

    private void answer(HttpServerExchange exchange) throws Exception {
        seen.add(new Seen(exchange.getProtocol().toString(), exchange.getSourceAddress().toString(),
                exchange.getRequestPath()));
        HttpHandler handler = answers.get(exchange.getRequestPath());
        if (handler != null) {
            handler.handleRequest(exchange);
            return;
        }
        Fixtures body = switch (exchange.getRequestPath()) {
            case "/api/v0/meta/cluster_status" -> Fixtures.CLUSTER_STATUS_HEALTHY;
            case "/api/v0/jobs" -> Fixtures.JOBS;
            case "/_ping" -> Fixtures.PING;
            case "/api/v0/workers" -> Fixtures.WORKERS;
            case "/api/v0/imagescan/status" -> Fixtures.SCANNING;
            case "/api/v0/crons" -> Fixtures.CRONS;
            case "/api/v0/docs.json" -> Fixtures.DOCS;
            default -> null;
        };
        exchange.setStatusCode(body == null ? 404 : 200);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(ByteBuffer.wrap(body == null ? "{}".getBytes() : body.bytes()));
    }

    private static SSLContext sslContext(Issued certificate) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("dtr", certificate.keys().getPrivate(), new char[0],
                    new Certificate[] {certificate.certificate()});
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(factory.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
