package io.dtrexporter.demo;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * {@code --demo}: a simulated 3-replica DTR on loopback, serving the shipped fixtures, so that a new
 * user's first probe shows real metrics without a DTR at hand.
 */
public final class DemoDtr implements AutoCloseable {
    public static final String MODULE = "demo";
    private static final String ANSWERING_REPLICA = "91b72265b1f5";

    private final Undertow undertow;

    private DemoDtr(Undertow undertow) {
        this.undertow = undertow;
    }

    public static DemoDtr start() {
        byte[] clusterStatus = Fixtures.CLUSTER_STATUS_HEALTHY.bytes();
        byte[] jobs = Fixtures.JOBS.bytes();
        byte[] ping = Fixtures.PING.bytes();
        byte[] workers = Fixtures.WORKERS.bytes();
        byte[] scanning = Fixtures.SCANNING.bytes();
        byte[] crons = Fixtures.CRONS.bytes();
        byte[] docs = Fixtures.DOCS.bytes();
        RoutingHandler routes = new RoutingHandler()
                .get("/api/v0/meta/cluster_status", exchange -> json(exchange, 200, clusterStatus))
                .get("/api/v0/jobs", exchange -> json(exchange, 200, jobs))
                .get("/_ping", exchange -> json(exchange, 200, ping))
                .get("/api/v0/workers", exchange -> json(exchange, 200, workers))
                .get("/api/v0/imagescan/status", exchange -> json(exchange, 200, scanning))
                .get("/api/v0/crons", exchange -> json(exchange, 200, crons))
                .get("/api/v0/docs.json", exchange -> json(exchange, 200, docs))
                .setFallbackHandler(exchange -> json(exchange, 404,
                        "{\"errors\":[{\"code\":\"NOT_FOUND\",\"message\":\"not part of the demo\"}]}".getBytes()));
        Undertow undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(routes)
                .build();
        undertow.start();
        return new DemoDtr(undertow);
    }

    /** The target to probe, e.g. {@code http://127.0.0.1:40123}. */
    public String target() {
        InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        return "http://127.0.0.1:" + address.getPort();
    }

    @Override
    public void close() {
        undertow.stop();
    }

    private static void json(HttpServerExchange exchange, int status, byte[] body) {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(HttpString.tryFromString("X-Replica-ID"), ANSWERING_REPLICA);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
