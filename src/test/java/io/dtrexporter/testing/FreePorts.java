package io.dtrexporter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A loopback port for a server a test starts itself (a process, or a server that takes no port 0). */
public final class FreePorts {
    private FreePorts() {
    }

    /** Free when asked; another process could take it before the caller binds it, which tests accept. */
    public static int loopback() {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
