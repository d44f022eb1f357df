package io.dtrexporter.dtr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Collects one response as it arrives on the reactor thread, without a thread waiting for it: the
 * status, the Content-Type and the body, up to a limit. Parsing is left to the CPU pool, which reads
 * the collected bytes. Past the limit it throws, which ends the exchange and drops the connection
 * (HTTP/1.1) or resets the stream (HTTP/2): the rest of an endless body is never read.
 */
final class ReceivedBody implements AsyncResponseConsumer<ReceivedBody> {
    /** The first allocation of a body of unknown length; it doubles from there, so a small answer costs a small array. */
    private static final int FIRST_CAPACITY = 8 * 1024;
    /**
     * A body that declares its length gets an array of that length at once, so it is never copied
     * while it grows (docs.json, hundreds of KB, went 64, 128, 256, 512 KiB); up to this much only,
     * so that a Content-Length that lies cannot make a call allocate the body limit before a byte came.
     */
    static final int MAX_DECLARED_CAPACITY = 1024 * 1024;

    private final long successLimit;
    private final int errorLimit;
    private final IntPredicate answers;
    private volatile int status;
    private volatile boolean http2;
    private String contentType;
    private String location;
    private long declaredLength = -1;
    private byte[] bytes = new byte[0];
    private int size;
    private long limit;
    private volatile boolean overLimit;
    private boolean hasBody;
    private boolean ended;
    private FutureCallback<ReceivedBody> done;

    /**
     * @param successLimit the most a body that answers may have
     * @param errorLimit   the most of an error body that is read for its message
     */
    ReceivedBody(IntPredicate answers, long successLimit, int errorLimit) {
        this.answers = answers;
        this.successLimit = successLimit;
        this.errorLimit = errorLimit;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<ReceivedBody> resultCallback) throws IOException {
        status = response.getCode();
        http2 = HttpVersion.HTTP_2.equals(response.getVersion());
        location = response.getFirstHeader("Location") == null ? null : response.getFirstHeader("Location").getValue();
        limit = answered() ? successLimit : errorLimit;
        done = resultCallback;
        if (entity == null) {
            ended = true;
            return;
        }
        hasBody = true;
        contentType = entity.getContentType();
        declaredLength = entity.getContentLength();
        if (declaredLength > limit) {
            overLimit = true;
            throw new BodyTooLargeException(limit); // nothing needs to be read
        }
        bytes = new byte[(int) (declaredLength >= 0 ? Math.min(declaredLength, MAX_DECLARED_CAPACITY) : FIRST_CAPACITY)];
    }

    @Override
    public void informationResponse(HttpResponse response, HttpContext context) {
        // 1xx: the answer is still to come
    }

    @Override
    public void updateCapacity(CapacityChannel capacityChannel) throws IOException {
        capacityChannel.update(Integer.MAX_VALUE);
    }

    @Override
    public void consume(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (size + (long) n > limit) {
            overLimit = true;
            throw new BodyTooLargeException(limit);
        }
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Math.max(bytes.length * 2L, size + (long) n), limit));
        }
        src.get(bytes, size, n);
        size += n;
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) {
        ended = true;
    }

    @Override
    public void failed(Exception cause) {
        // the caller learns of it through the exchange's own callback
    }

    /**
     * HttpClient calls this right after it gave the connection back to the pool, so the answer is
     * reported complete here and not at the end of the stream: a probe's next calls then find the
     * connection in the pool (and over HTTP/2 share it) instead of opening another one. The bytes
     * stay for the parser; they go with this object.
     */
    @Override
    public void releaseResources() {
        FutureCallback<ReceivedBody> callback = done;
        if (ended && callback != null) {
            done = null;
            callback.completed(this);
        }
    }

    /** Whether the answer came over HTTP/2. */
    boolean http2() {
        return http2;
    }

    /** The status, 0 before the headers came. */
    int status() {
        return status;
    }

    boolean answered() {
        return answers.test(status);
    }

    /** Whether the body went past its limit, which failed the exchange. */
    boolean overLimit() {
        return overLimit;
    }

    /** The most a body of this status may have. */
    long limit() {
        return limit;
    }

    /** The Location header, null without one: DTR does not redirect API calls, so a redirect is a failure. */
    String location() {
        return location;
    }

    String contentType() {
        return contentType;
    }

    long declaredLength() {
        return declaredLength;
    }

    boolean hasBody() {
        return hasBody;
    }

    byte[] bytes() {
        return bytes;
    }

    int size() {
        return size;
    }
}
