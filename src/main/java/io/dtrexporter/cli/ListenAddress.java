package io.dtrexporter.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** {@code host:port}, {@code :port} (every interface) or {@code [v6-address]:port}. */
final class ListenAddress {
    /** ASCII digits only: Integer.parseInt would also take "+80" and non-Latin digits. */
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

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
        String portText = text.substring(colon + 1);
        int port = PORT.matcher(portText).matches() ? Integer.parseInt(portText) : -1;
        if (port < 0 || port > 65535) {
            throw new UsageException("--web.listen-address=" + text + ": the port must be a number from 0 to 65535");
        }
        if (!host.isEmpty()) {
            checkResolvable(host, text);
        }
        return InetSocketAddress.createUnresolved(host.isEmpty() ? "0.0.0.0" : host, port);
    }

    /** Said here, naming the flag, rather than as an UnknownHostException from deep inside the server. */
    private static void checkResolvable(String host, String text) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("--web.listen-address=" + text + ": unknown host \"" + host + "\"");
        }
    }
}
