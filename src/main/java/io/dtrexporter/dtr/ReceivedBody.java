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
 * the collected bytes. Past the limit, over HTTP/1.1 it throws, which ends the exchange and drops the
 * connection: the rest of an endless body is never read. Over HTTP/2 a throw would close the
 * connection under the other calls on it, so the caller is told instead and resets the stream. A
 * call whose answer the head of its body tells ({@link HeadReader}) is completed as soon as the head
 * has told it, and its exchange cancelled.
 */
final class ReceivedBody<T> implements AsyncResponseConsumer<ReceivedBody<T>> {
    /** The first allocation of a body of unknown length, so a small answer costs a small array. */
    private static final int FIRST_CAPACITY = 8 * 1024;
    /**
     * The most a body that declares its length gets before its bytes come: a small answer gets an
     * array of its length and is never copied; a DTR (or proxy) that declares a MiB and stalls costs
     * no more than this per call, whatever number of calls wait on it.
     */
    static final int MAX_FIRST_CAPACITY = 64 * 1024;
    /** How much an array grows at once: it stays within this many times what came, and never goes past the declared length. */
    private static final int GROWTH = 4;
    /**
     * How much of a body's head its call's {@link HeadReader} is shown (docs.json has info in its
     * first KB); past it, or once the reader gives up, the body is read whole and parsed as any other.
     */
    static final int HEAD_BYTES = 64 * 1024;
    /**
     * How much of the rest of a body whose head answered is read and dropped over HTTP/1.1, so that
     * its connection stays (see DtrClient.Exchange.headAnswered); past it the exchange is failed,
     * which closes the connection, so a body without end cannot hold one.
     */
    static final int MAX_DROPPED_BYTES = 1024 * 1024;

    private final long successLimit;
    private final int errorLimit;
    private final IntPredicate answers;
    /** Null for a call read whole, and once the reader gave up. */
    private HeadReader<T> head;
    private T headAnswer;
    /** A Content-Length above the limit, read only while the head reader may still answer. */
    private boolean onlyTheHead;
    /** Told once the head answered before the body ended; the rest is then dropped as it comes. */
    private final Runnable headAnswered;
    /** Told once a body over HTTP/2 passed its limit; what still comes of it is then dropped. */
    private final Runnable passedTheLimitOverHttp2;
    private volatile boolean cut;
    private volatile boolean restUnread;
    private long dropped;
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
    private FutureCallback<ReceivedBody<T>> done;

    /**
     * @param successLimit the most a body that answers may have
     * @param errorLimit   the most of an error body that is read for its message
     * @param head         reads the answer from the head of a body that answers; null: read it whole
     * @param headAnswered told (on the reactor thread) when the head answered before the body ended
     * @param passedTheLimitOverHttp2 told (on the reactor thread) when a body over HTTP/2 passed its limit
     *                                ({@link #overLimit}): the caller fails the call and resets the stream
     */
    ReceivedBody(IntPredicate answers, long successLimit, int errorLimit, HeadReader<T> head, Runnable headAnswered,
                 Runnable passedTheLimitOverHttp2) {
        this.answers = answers;
        this.head = head;
        this.headAnswered = headAnswered;
        this.passedTheLimitOverHttp2 = passedTheLimitOverHttp2;
        this.successLimit = successLimit;
        this.errorLimit = errorLimit;
    }

    @Override
    public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
                                FutureCallback<ReceivedBody<T>> resultCallback) throws IOException {
        status = response.getCode();
        http2 = HttpVersion.HTTP_2.equals(response.getVersion());
        location = response.getFirstHeader("Location") == null ? null : response.getFirstHeader("Location").getValue();
        limit = answered() ? successLimit : errorLimit;
        head = answered() ? head : null;
        done = resultCallback;
        if (entity == null) {
            ended = true;
            return;
        }
        hasBody = true;
        contentType = entity.getContentType();
        declaredLength = entity.getContentLength();
        if (declaredLength > limit) {
            if (head == null) {
                passedTheLimit(); // nothing needs to be read
                return;
            }
            onlyTheHead = true; // too large to be read whole, but its head may tell the answer
        }
        // a head that answers reads a few KB of it
        bytes = new byte[head == null && declaredLength >= 0 ? (int) Math.min(declaredLength, MAX_FIRST_CAPACITY)
                : FIRST_CAPACITY];
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
        if (cut) { // the call failed; the stream reset is on its way
            src.position(src.limit());
            return;
        }
        if (restUnread) { // the call is done: what still comes is dropped, up to a bound
            dropped += src.remaining();
            src.position(src.limit());
            if (dropped > MAX_DROPPED_BYTES) { // more than is worth reading to keep the connection
                throw new BodyTooLargeException(size + MAX_DROPPED_BYTES);
            }
            return;
        }
        int n = src.remaining();
        if (!onlyTheHead && size + (long) n > limit) {
            passedTheLimit();
            src.position(src.limit());
            return;
        }
        if (size + n > bytes.length) { // onlyTheHead: the head reader stops this at HEAD_BYTES and a chunk
            bytes = Arrays.copyOf(bytes, grownLength(size + n));
        }
        src.get(bytes, size, n);
        int from = size;
        size += n;
        if (head != null) {
            readHead(from);
        }
    }

    /**
     * Shows the head reader the new bytes within the head. Once it has the answer, the caller is told
     * and completes the call, and the rest of the body is neither kept nor parsed: the caller resets
     * the stream over HTTP/2 (throwing here, as a body past its limit does, would close the HTTP/2
     * connection under the other calls), and over HTTP/1.1 lets up to {@link #MAX_DROPPED_BYTES} of
     * it be dropped as it comes ({@link #restIsDropped}). A body that is already whole ends as usual.
     */
    private void readHead(int from) throws IOException {
        HeadReader.Progress progress = head.read(bytes, from, Math.min(size, HEAD_BYTES) - from);
        if (progress == HeadReader.Progress.ANSWERED) {
            headAnswer = head.answer();
            head = null;
            if (declaredLength < 0 || size < declaredLength) {
                restUnread = true;
                headAnswered.run();
            }
        } else if (progress == HeadReader.Progress.GAVE_UP || size >= HEAD_BYTES) {
            head = null;
            if (onlyTheHead) { // the body as large as it said and no answer from its head: as before
                passedTheLimit();
            }
        }
    }

    /**
     * The length of the array to hold {@code needed} bytes: {@link #GROWTH} times the present one, within
     * the limit and, when the body said its length and that is enough, not past it (docs.json, 318 KB:
     * 64, 256, 318 KiB; doubling made it 64, 128, 256, 512).
     */
    private int grownLength(int needed) {
        long grown = Math.max(needed, Math.min((long) bytes.length * GROWTH, limit));
        return (int) (declaredLength >= needed ? Math.min(grown, declaredLength) : grown);
    }

    @Override
    public void streamEnd(List<? extends Header> trailers) throws IOException {
        if (onlyTheHead && headAnswer == null && !cut) { // shorter than its Content-Length, which was too large
            passedTheLimit();
        }
        ended = !cut; // a cut body's call has already failed
    }

    /**
     * The body went past its limit: over HTTP/1.1 the throw fails the exchange and closes the
     * connection. Over HTTP/2 it would close the connection and fail every call on it ("Connection
     * is closed"); the caller is told instead, fails the call as the throw would have, and cancels
     * the exchange, which resets only this stream.
     */
    private void passedTheLimit() throws BodyTooLargeException {
        overLimit = true;
        if (!http2) {
            throw new BodyTooLargeException(limit);
        }
        cut = true;
        passedTheLimitOverHttp2.run();
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
        FutureCallback<ReceivedBody<T>> callback = done;
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

    /** Whether the body went past its limit, which failed the exchange (HTTP/1.1) or has it cancelled (HTTP/2). */
    boolean overLimit() {
        return overLimit;
    }

    /**
     * Whether the rest of a body whose head answered can be dropped as it comes rather than cut: it
     * declared no length (chunked: the drop limit bounds it), or at most {@link #MAX_DROPPED_BYTES} more.
     */
    boolean restIsDropped() {
        return declaredLength < 0 || declaredLength - size <= MAX_DROPPED_BYTES;
    }

    /** The answer the head of the body told, null if none did: then the body is to be parsed whole. */
    T headAnswer() {
        return headAnswer;
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
