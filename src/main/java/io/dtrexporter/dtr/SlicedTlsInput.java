package io.dtrexporter.dtr;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.Lock;
import javax.net.ssl.SSLSession;
import org.apache.hc.core5.function.Decorator;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.impl.nio.ClientHttp1IOEventHandler;
import org.apache.hc.core5.http.impl.nio.HttpConnectionEventHandler;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * Hands an HTTP/1.1 connection what TLS decrypted in slices of {@value #SLICE_BYTES} bytes.
 * <p>
 * httpcore5's HTTP/1.1 connection copies each decrypted TLS record whole into its input buffer
 * before it parses it, growing that buffer to the record's size, and never shrinks it again: once
 * a DTR sent a full 16 KiB record (nginx does at once, Go's crypto/tls after 128 KB on a
 * connection), its connection held 17 KiB for the rest of its life, 34 MiB of heap for the 2,000
 * connections of 1,000 DTRs. In slices, the buffer keeps its configured size (2 KiB): each slice
 * is parsed and its body bytes handed on before the next one comes.
 * <p>
 * HTTP/2 connections and plain-http ones are left as they are: HTTP/2 parses frames from the
 * record itself, and plain http reads the socket into the buffer, never more than it holds.
 */
final class SlicedTlsInput implements Decorator<IOSession> {
    static final int SLICE_BYTES = 1024;

    @Override
    public IOSession decorate(IOSession session) {
        return new Session(session);
    }

    /** Gives the whole of {@code src} to {@code handler}, {@value #SLICE_BYTES} bytes at a time. */
    static void inSlices(IOEventHandler handler, IOSession session, ByteBuffer src) throws IOException {
        if (src == null || src.remaining() <= SLICE_BYTES) {
            handler.inputReady(session, src);
            return;
        }
        while (src.hasRemaining()) {
            ByteBuffer slice = src.slice();
            slice.limit(Math.min(SLICE_BYTES, slice.remaining()));
            handler.inputReady(session, slice);
            src.position(src.position() + slice.position()); // what the handler took; it takes all it is given
            if (slice.hasRemaining()) {
                return; // it refused the rest (e.g. the connection shut down meanwhile)
            }
        }
    }

    /** The handler of an HTTP/1.1 connection with its input sliced; everything else as it was. */
    private record Http1Handler(ClientHttp1IOEventHandler http1) implements HttpConnectionEventHandler {
        @Override
        public void inputReady(IOSession session, ByteBuffer src) throws IOException {
            inSlices(http1, session, src);
        }

        @Override
        public void connected(IOSession session) throws IOException {
            http1.connected(session);
        }

        @Override
        public void outputReady(IOSession session) throws IOException {
            http1.outputReady(session);
        }

        @Override
        public void timeout(IOSession session, Timeout timeout) throws IOException {
            http1.timeout(session, timeout);
        }

        @Override
        public void exception(IOSession session, Exception cause) {
            http1.exception(session, cause);
        }

        @Override
        public void disconnected(IOSession session) {
            http1.disconnected(session);
        }

        @Override
        public EndpointDetails getEndpointDetails() {
            return http1.getEndpointDetails();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return http1.getLocalAddress();
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return http1.getRemoteAddress();
        }

        @Override
        public ProtocolVersion getProtocolVersion() {
            return http1.getProtocolVersion();
        }

        @Override
        public SSLSession getSSLSession() {
            return http1.getSSLSession();
        }

        @Override
        public boolean isOpen() {
            return http1.isOpen();
        }

        @Override
        public Timeout getSocketTimeout() {
            return http1.getSocketTimeout();
        }

        @Override
        public void setSocketTimeout(Timeout timeout) {
            http1.setSocketTimeout(timeout);
        }

        @Override
        public void close() throws IOException {
            http1.close();
        }

        @Override
        public void close(CloseMode closeMode) {
            http1.close(closeMode);
        }
    }

    /**
     * A socket's session, as the TLS layer sees it beneath: the one place where the handler it
     * decrypts for is set, so the one place to slice for it.
     */
    private record Session(IOSession socket) implements IOSession {
        @Override
        public void upgrade(IOEventHandler handler) {
            socket.upgrade(handler instanceof ClientHttp1IOEventHandler http1 ? new Http1Handler(http1) : handler);
        }

        @Override
        public IOEventHandler getHandler() {
            return socket.getHandler();
        }

        @Override
        public Lock getLock() {
            return socket.getLock();
        }

        @Override
        public void enqueue(Command command, Command.Priority priority) {
            socket.enqueue(command, priority);
        }

        @Override
        public boolean hasCommands() {
            return socket.hasCommands();
        }

        @Override
        public Command poll() {
            return socket.poll();
        }

        @Override
        public java.nio.channels.ByteChannel channel() {
            return socket.channel();
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return socket.getRemoteAddress();
        }

        @Override
        public SocketAddress getLocalAddress() {
            return socket.getLocalAddress();
        }

        @Override
        public int getEventMask() {
            return socket.getEventMask();
        }

        @Override
        public void setEventMask(int ops) {
            socket.setEventMask(ops);
        }

        @Override
        public void setEvent(int op) {
            socket.setEvent(op);
        }

        @Override
        public void clearEvent(int op) {
            socket.clearEvent(op);
        }

        @Override
        public void close() {
            socket.close();
        }

        @Override
        public void close(CloseMode closeMode) {
            socket.close(closeMode);
        }

        @Override
        public Status getStatus() {
            return socket.getStatus();
        }

        @Override
        public Timeout getSocketTimeout() {
            return socket.getSocketTimeout();
        }

        @Override
        public void setSocketTimeout(Timeout timeout) {
            socket.setSocketTimeout(timeout);
        }

        @Override
        public long getLastReadTime() {
            return socket.getLastReadTime();
        }

        @Override
        public long getLastWriteTime() {
            return socket.getLastWriteTime();
        }

        @Override
        public long getLastEventTime() {
            return socket.getLastEventTime();
        }

        @Override
        public void updateReadTime() {
            socket.updateReadTime();
        }

        @Override
        public void updateWriteTime() {
            socket.updateWriteTime();
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return socket.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return socket.write(src);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public String getId() {
            return socket.getId();
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }
}
