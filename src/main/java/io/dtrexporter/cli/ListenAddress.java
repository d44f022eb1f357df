package io.dtrexporter.cli;

import java.net.InetSocketAddress;

/** {@code host:port}, {@code :port} (every interface) or {@code [v6-address]:port}. */
final class ListenAddress {
    private ListenAddress() {
    }

    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new UsageException("--web.listen-address=" + text + ": expected host:port or :port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("--web.listen-address=" + text + ": the port must be a number from 0 to 65535");
        }
        return InetSocketAddress.createUnresolved(host.isEmpty() ? "0.0.0.0" : host, port);
    }
}
