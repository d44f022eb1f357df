package io.dtrexporter.demo;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * {@code --demo}: a simulated 3-replica DTR on loopback, serving the shipped fixtures, so that a new
 * user's first probe shows real metrics without a DTR at hand.
 */
public final class DemoDtr implements AutoCloseable {
    public static final String MODULE = "demo";
    private static final String ANSWERING_REPLICA = "91b72265b1f5";

    /**
     * Under this path prefix the demo DTR has a replica it cannot connect to, so that a probe of
     * {@code <target>/unhealthy-replica} shows why a replica is unhealthy.
     */
    public static final String UNHEALTHY_REPLICA_PREFIX = "/unhealthy-replica";

    private final Undertow undertow;

    private DemoDtr(Undertow undertow) {
        this.undertow = undertow;
    }

    public static DemoDtr start() {
        RoutingHandler routes = new RoutingHandler();
        serve(routes, "", Fixtures.CLUSTER_STATUS_HEALTHY);
        serve(routes, UNHEALTHY_REPLICA_PREFIX, Fixtures.CLUSTER_STATUS_UNHEALTHY_REPLICA);
        routes.setFallbackHandler(exchange -> json(exchange, 404,
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

    private static void serve(RoutingHandler routes, String prefix, Fixtures clusterStatus) {
        for (var route : Map.of("/api/v0/meta/cluster_status", clusterStatus, "/api/v0/jobs", Fixtures.JOBS,
                "/_ping", Fixtures.PING, "/api/v0/workers", Fixtures.WORKERS,
                "/api/v0/imagescan/status", Fixtures.SCANNING, "/api/v0/crons", Fixtures.CRONS,
                "/api/v0/docs.json", Fixtures.DOCS).entrySet()) {
            byte[] body = route.getValue().bytes();
            routes.get(prefix + route.getKey(), exchange -> json(exchange, 200, body));
        }
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
