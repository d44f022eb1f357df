package io.dtrexporter.web;

import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.protocols.ssl.UndertowXnioSsl;
import io.undertow.server.ConnectorStatistics;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.xnio.ChannelListener;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;

/**
 * The listening socket, put together as {@code Undertow.Builder} would, with one difference that
 * the builder has no place for: a connection beyond {@code --web.max-connections} is closed as soon
 * as it is accepted. XNIO's own limit (CONNECTION_HIGH_WATER) stops accepting instead, and what
 * then queues in the kernel's backlog waits, neither served nor refused; what the exporter's
 * process cannot accept for want of file descriptors backs XNIO off for up to 30 s.
 */
final class Listener implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Listener.class.getName());
    /** Builder's size: 16 KiB, the most a single write() sends, less room for protocol headers. */
    private static final int BUFFER_SIZE = 16 * 1024 - 20;
    /**
     * The most a request's line and headers may hold. Undertow keeps each query parameter in a map, about
     * 270 bytes apiece, and its parser's buffer keeps the size of the largest head the connection sent:
     * its default of 1 MiB let one request hold 200,000 parameters (28 MiB, measured); 64 KiB holds 14,000
     * at most (3.6 MiB), and far more than a scrape needs (a 2,048-character target is 6 KiB encoded).
     */
    static final int MAX_REQUEST_HEAD = 64 * 1024;
    /** How often a refused connection is told in the log at warn; the others go to debug. */
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final XnioWorker worker;
    private final AcceptingChannel<? extends StreamConnection> channel;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong lastWarned = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /** What to listen on and with what; {@code tls} is null for plain http. */
    record Config(InetSocketAddress address, int workerThreads, ConnectionLimits limits, SSLContext tls,
                  OptionMap tlsOptions) {
    }

    private Listener(Config config, HttpHandler root) throws IOException {
        // resolved here, as the builder did: the flag's address is kept unresolved until then
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(config.address().getHostString()),
                config.address().getPort());
        Xnio xnio = Xnio.getInstance(io.undertow.Undertow.class.getClassLoader());
        int ioThreads = Math.max(Runtime.getRuntime().availableProcessors(), 2);
        worker = xnio.createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, config.workerThreads())
                .set(Options.WORKER_TASK_MAX_THREADS, config.workerThreads())
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        OptionMap socketOptions = OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.TCP_NODELAY, true)
                .set(Options.REUSE_ADDRESSES, true)
                .set(Options.BALANCING_TOKENS, 1)
                .set(Options.BALANCING_CONNECTIONS, 2)
                .set(Options.BACKLOG, 1000)
                .addAll(config.tlsOptions())
                .getMap();
        OptionMap serverOptions = OptionMap.builder()
                .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) config.limits().headersTimeout().toMillis())
                .set(UndertowOptions.NO_REQUEST_TIMEOUT, (int) config.limits().idleTimeout().toMillis())
                .set(UndertowOptions.ENABLE_CONNECTOR_STATISTICS, true) // the count of open connections
                // RequestUrl decodes, strictly where Undertow made bytes that are not UTF-8 U+FFFD, and
                // counts parameters, answering with a Content-Type where Undertow's limit gave a bare 400:
                // that limit is one no head reaches (a parameter takes two bytes at least)
                .set(UndertowOptions.DECODE_URL, false)
                .set(UndertowOptions.MAX_PARAMETERS, MAX_REQUEST_HEAD)
                .set(UndertowOptions.MAX_HEADER_SIZE, MAX_REQUEST_HEAD)
                .getMap();
        HttpOpenListener http = new HttpOpenListener(buffers(), serverOptions);
        http.setRootHandler(root);
        ChannelListener<StreamConnection> capped = capped(http, config.limits().maxConnections());
        try {
            if (config.tls() == null) {
                channel = worker.createStreamConnectionServer(address,
                        ChannelListeners.openListenerAdapter(capped), socketOptions);
            } else {
                UndertowXnioSsl ssl = new UndertowXnioSsl(xnio, OptionMap.create(Options.USE_DIRECT_BUFFERS, true),
                        config.tls());
                channel = ssl.createSslConnectionServer(worker, address,
                        ChannelListeners.openListenerAdapter(capped), socketOptions);
            }
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow();
            throw e;
        }
        channel.resumeAccepts();
    }

    /** @throws IOException when the address cannot be bound ({@link java.net.BindException}) */
    static Listener start(Config config, HttpHandler root) throws IOException {
        return new Listener(config, root);
    }

    int port() {
        return channel.getLocalAddress(InetSocketAddress.class).getPort();
    }

    private ChannelListener<StreamConnection> capped(HttpOpenListener http, int maxConnections) {
        ConnectorStatistics open = http.getConnectorStatistics();
        return connection -> {
            // Runs on the I/O thread that accepted: two threads may both admit the last place, so the
            // cap can be passed by one connection per I/O thread at most.
            if (open.getActiveConnections() < maxConnections) {
                http.handleEvent(connection);
                return;
            }
            refuse(connection, maxConnections);
        };
    }

    /** A reset, not a polite close: the client learns at once, and the socket lingers in no state. */
    private void refuse(StreamConnection connection, int maxConnections) {
        Object peer = connection.getPeerAddress();
        try {
            connection.setOption(Options.CLOSE_ABORT, true);
        } catch (IOException | IllegalArgumentException e) {
            // closed below all the same
        }
        IoUtils.safeClose(connection);
        long count = refused.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarned.get();
        if (now - last >= WARN_EVERY_NANOS && lastWarned.compareAndSet(last, now)) {
            LOG.warning(() -> "refusing connections: " + maxConnections + " are open, the limit of"
                    + " --web.max-connections; " + count + " refused since the start");
        } else {
            LOG.fine(() -> "refused a connection from " + peer + ": " + maxConnections
                    + " are open");
        }
    }

    /** As the builder sizes them: small heaps get small buffers. */
    private static ByteBufferPool buffers() {
        long maxMemory = Runtime.getRuntime().maxMemory();
        if (maxMemory < 64L * 1024 * 1024) {
            return new DefaultByteBufferPool(false, 512, -1, 4);
        }
        return maxMemory < 128L * 1024 * 1024 ? new DefaultByteBufferPool(true, 1024, -1, 4)
                : new DefaultByteBufferPool(true, BUFFER_SIZE, -1, 4);
    }

    /** Stops accepting, then waits for the worker's threads to end, as {@code Undertow.stop()} does. */
    @Override
    public void close() {
        IoUtils.safeClose(channel);
        worker.shutdown();
        try {
            worker.awaitTermination();
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
